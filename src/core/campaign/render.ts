import type { OutgoingMail } from '../mail';
import type { Prospect } from '../prospects/prospect';
import type { RecipientInput } from '../send/recipient';
import { buildOutgoingMail, compileTemplate, renderMail, type RenderedMail } from '../template';
import { type Campaign, tracksOpens } from './campaign';

/** The tracking backend's per-send pixel URL (opaque token, no personal data in it). */
export type PixelUrlSource = (prospect: Prospect, sendId: string) => Promise<string>;

/**
 * The engine's render function for a campaign: the same renderMail the preview uses, with a
 * freshly minted pixel URL only when tracking is on for that prospect.
 */
export function campaignRenderer(
  campaign: Campaign,
  pixelUrl: PixelUrlSource,
): (recipient: RecipientInput, sendId: string) => Promise<OutgoingMail> {
  const compiled = compileTemplate(campaign.template);
  const byId = new Map(campaign.prospects.map((p) => [p.id, p]));
  return async (recipient, sendId) => {
    const prospect = byId.get(recipient.id);
    if (!prospect) throw new Error('This recipient is no longer in the campaign.');
    const url = tracksOpens(campaign, prospect) ? await pixelUrl(prospect, sendId) : null;
    return buildOutgoingMail(compiled, prospect, { pixelUrl: url });
  };
}

/**
 * The preview of one prospect's message, exactly as it will be sent. The real pixel URL is minted
 * per send, so the preview shows the same tag with a stand-in URL, at the same place — or no tag.
 */
export function previewMessage(
  campaign: Campaign,
  prospectId: string,
  previewPixelUrl: string,
): RenderedMail {
  const prospect = campaign.prospects.find((p) => p.id === prospectId);
  if (!prospect) throw new Error('No such prospect in this campaign.');
  return renderMail(compileTemplate(campaign.template), prospect, {
    pixelUrl: tracksOpens(campaign, prospect) ? previewPixelUrl : null,
  });
}
