import type { Prospect } from '../prospects/prospect';
import {
  checkProspects,
  checkTemplate,
  compileTemplate,
  type MailTemplate,
  type ProspectTemplateProblem,
  type TemplateProblem,
} from '../template';

/** What the recruiter built: who, what, and how. Plain JSON (it is part of the snapshot). */
export interface Campaign {
  id: string;
  name: string;
  template: MailTemplate;
  prospects: Prospect[];
  /** The merge fields the prospect list defines (from the column mapping). */
  fields: string[];
  /** Open tracking for the whole campaign; a prospect can still be excluded on its own. */
  trackOpens: boolean;
  /** Messages per minute from this mailbox, 1–30. */
  ratePerMinute: number;
}

/** The pixel goes in only when both the campaign and the prospect allow it. */
export function tracksOpens(campaign: Campaign, prospect: Prospect): boolean {
  return campaign.trackOpens && prospect.trackOpens;
}

export function withProspectTracking(campaign: Campaign, prospectId: string, trackOpens: boolean): Campaign {
  return {
    ...campaign,
    prospects: campaign.prospects.map((p) => (p.id === prospectId ? { ...p, trackOpens } : p)),
  };
}

/** Leaves prospects out (e.g. the rows the recruiter chose not to fix). */
export function withoutProspects(campaign: Campaign, prospectIds: Iterable<string>): Campaign {
  const drop = new Set(prospectIds);
  return { ...campaign, prospects: campaign.prospects.filter((p) => !drop.has(p.id)) };
}

export interface Readiness {
  ready: boolean;
  template: TemplateProblem[];
  prospects: ProspectTemplateProblem[];
}

/** Everything that must be fixed before sending; `ready` only when there is nothing. */
export function checkCampaign(campaign: Campaign): Readiness {
  const compiled = compileTemplate(campaign.template);
  const template = checkTemplate(compiled, campaign.fields);
  const prospects = checkProspects(compiled, campaign.prospects, campaign.fields);
  const noProspects = campaign.prospects.length === 0;
  return { ready: template.length === 0 && prospects.length === 0 && !noProspects, template, prospects };
}
