import type { Prospect } from '../prospects/prospect';
import { checkSequence } from '../sequence/validate';
import type { SequenceSettings } from '../sequence/types';
import {
  checkProspects,
  checkTemplate,
  compileTemplate,
  type CompiledTemplate,
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
  /** Follow-up steps, sending window, out-of-office rule and grace period. Absent: one step, any time. */
  sequence?: SequenceSettings;
}

/** How many steps the campaign sends each prospect (1–5). */
export function stepCount(campaign: Campaign): number {
  return 1 + (campaign.sequence?.followUps.length ?? 0);
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

/** What must be fixed in one follow-up step; messages start with "Step n: ". */
export interface StepReadiness {
  step: number;
  template: TemplateProblem[];
  prospects: ProspectTemplateProblem[];
}

export interface Readiness {
  ready: boolean;
  /** Step 1 (the first message). */
  template: TemplateProblem[];
  prospects: ProspectTemplateProblem[];
  /** Steps 2…5, one entry per follow-up (empty lists when it is fine). */
  steps: StepReadiness[];
  /** The sequence's settings (window, time zone, delays), in the recruiter's words. */
  sequence: string[];
}

/**
 * A follow-up goes out as a reply, so only its body is sent: its subject is Exchange's "RE: " and
 * the first message's subject, and is neither checked nor rendered.
 */
export function compileFollowUp(template: MailTemplate): CompiledTemplate {
  return compileTemplate({ subject: '', html: template.html });
}

function checkFollowUp(campaign: Campaign, template: MailTemplate, step: number): StepReadiness {
  const compiled = compileFollowUp(template);
  const label = (message: string) => `Step ${step}: ${message}`;
  return {
    step,
    template: checkTemplate(compiled, campaign.fields)
      .filter((p) => p.kind !== 'empty-subject')
      .map((p) => ({ ...p, message: label(p.message) })),
    prospects: checkProspects(compiled, campaign.prospects, campaign.fields).map((p) => ({
      ...p,
      message: label(p.message),
    })),
  };
}

/** Everything that must be fixed before sending; `ready` only when there is nothing. */
export function checkCampaign(campaign: Campaign): Readiness {
  const compiled = compileTemplate(campaign.template);
  const template = checkTemplate(compiled, campaign.fields);
  const prospects = checkProspects(compiled, campaign.prospects, campaign.fields);
  const steps = (campaign.sequence?.followUps ?? []).map((f, i) =>
    checkFollowUp(campaign, f.template, i + 2),
  );
  const sequence = campaign.sequence ? checkSequence(campaign.sequence) : [];
  const noProspects = campaign.prospects.length === 0;
  const ready =
    template.length === 0 &&
    prospects.length === 0 &&
    steps.every((s) => s.template.length === 0 && s.prospects.length === 0) &&
    sequence.length === 0 &&
    !noProspects;
  return { ready, template, prospects, steps, sequence };
}
