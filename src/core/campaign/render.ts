import type { OutgoingMail } from '../mail';
import type { Prospect } from '../prospects/prospect';
import type { RecipientInput } from '../send/recipient';
import {
  type CompiledTemplate,
  compileTemplate,
  recipientAddress,
  renderMail,
  type RenderedMail,
} from '../template';
import { type Campaign, compileFollowUp, tracksOpens } from './campaign';

/** The tracking backend's per-send pixel URL (opaque token, no personal data in it). */
export type PixelUrlSource = (prospect: Prospect, sendId: string) => Promise<string>;

/** What Exchange puts before the original subject of a reply, and what Sent Items holds. */
export const REPLY_PREFIX = 'RE: ';

/** Each step's compiled template, compiled once; follow-ups carry only a body. */
function compiledSteps(campaign: Campaign): CompiledTemplate[] {
  return [
    compileTemplate(campaign.template),
    ...(campaign.sequence?.followUps ?? []).map((f) => compileFollowUp(f.template)),
  ];
}

/**
 * One prospect's message for one step. Step 1 is the campaign's template; a later step is its
 * follow-up's body under "RE: " and the prospect's first subject — what Exchange gives a reply, and
 * what Sent Items reconciliation looks for.
 */
function renderStep(
  steps: CompiledTemplate[],
  prospect: Prospect,
  step: number,
  pixelUrl: string | null,
): RenderedMail {
  const first = steps[0] as CompiledTemplate;
  if (step === 1) return renderMail(first, prospect, { pixelUrl });
  const template = steps[step - 1];
  if (!template) throw new Error(`This campaign has no step ${step}.`);
  const body = renderMail(template, prospect, { pixelUrl });
  const subject = REPLY_PREFIX + renderMail(first, prospect, { pixelUrl: null }).subject;
  return { ...body, subject };
}

/**
 * The engine's render function for a campaign: the same rendering the preview uses, with a freshly
 * minted pixel URL only when tracking is on for that prospect.
 */
export function campaignRenderer(
  campaign: Campaign,
  pixelUrl: PixelUrlSource,
): (recipient: RecipientInput, sendId: string) => Promise<OutgoingMail> {
  const steps = compiledSteps(campaign);
  const byId = new Map(campaign.prospects.map((p) => [p.id, p]));
  return async (recipient, sendId) => {
    const prospect = byId.get(recipient.prospectId ?? recipient.id);
    if (!prospect) throw new Error('This recipient is no longer in the campaign.');
    const step = recipient.step ?? 1;
    if (step < 1 || step > steps.length) throw new Error(`This campaign has no step ${step}.`);
    const url = tracksOpens(campaign, prospect) ? await pixelUrl(prospect, sendId) : null;
    const rendered = renderStep(steps, prospect, step, url);
    return { to: recipientAddress(prospect), subject: rendered.subject, html: rendered.html };
  };
}

/**
 * The preview of one prospect's message for one step, exactly as it will be sent. The real pixel URL
 * is minted per send, so the preview shows the same tag with a stand-in URL, at the same place — or
 * no tag.
 */
export function previewMessage(
  campaign: Campaign,
  prospectId: string,
  previewPixelUrl: string,
  step = 1,
): RenderedMail {
  const prospect = campaign.prospects.find((p) => p.id === prospectId);
  if (!prospect) throw new Error('No such prospect in this campaign.');
  return renderStep(
    compiledSteps(campaign),
    prospect,
    step,
    tracksOpens(campaign, prospect) ? previewPixelUrl : null,
  );
}
