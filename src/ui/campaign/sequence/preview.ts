/** Core's preview for one step of the sequence, exactly as that step is sent. */
import { previewMessage } from '../../../core/campaign';
import type { RenderedMail } from '../../../core/template';
import type { SequencedCampaign } from '../draft';

export function previewStep(
  campaign: SequencedCampaign,
  prospectId: string,
  pixelUrl: string,
  step: number,
): RenderedMail {
  return previewMessage(campaign, prospectId, pixelUrl, step);
}
