/**
 * Core's preview for one step of the sequence. `previewMessage(campaign, prospectId, pixelUrl, step)`
 * gains its `step` parameter in #10 (core-sequence); until that is merged the three-parameter
 * version ignores it. Lead: once core has the parameter, this cast can go.
 */
import { previewMessage } from '../../../core/campaign';
import type { RenderedMail } from '../../../core/template';
import type { SequencedCampaign } from '../draft';

type StepPreview = (
  campaign: SequencedCampaign,
  prospectId: string,
  previewPixelUrl: string,
  step?: number,
) => RenderedMail;

export function previewStep(
  campaign: SequencedCampaign,
  prospectId: string,
  pixelUrl: string,
  step: number,
): RenderedMail {
  return (previewMessage as StepPreview)(campaign, prospectId, pixelUrl, step);
}
