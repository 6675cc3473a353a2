/**
 * Reply tracking's view of every campaign this pane is sending: the current one and those running
 * in the background. Each is read from (and written through) its own controller, so an engine's
 * next save cannot overwrite what reply sync recorded.
 */
import type { TrackedCampaign } from '../../core/replies/ports';
import type { RecipientNote } from '../../core/send/recipient-note';
import type { LiveCampaign } from '../results/campaign-state';
import type { CampaignController } from './controller';

export function liveCampaignsOf(controllers: () => CampaignController[]): LiveCampaign {
  return {
    liveCampaigns(): TrackedCampaign[] {
      return controllers()
        .map((c) => c.liveCampaign())
        .filter((c): c is TrackedCampaign => c !== null);
    },
    annotate(campaignId: string, notes: ReadonlyMap<string, RecipientNote>): boolean {
      return controllers().some((c) => c.annotate(campaignId, notes));
    },
    stopFor(campaignId: string, code: string, message: string): boolean {
      return controllers().some((c) => c.stopFor(campaignId, code, message));
    },
    recordBackendSend(campaignId: string, attemptId: string, sendId: string): boolean {
      return controllers().some((c) => c.recordBackendSend(campaignId, attemptId, sendId));
    },
  };
}
