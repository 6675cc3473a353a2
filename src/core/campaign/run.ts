import type { Clock } from '../../shared/clock';
import type { MailSender } from '../mail';
import { SendEngine, type SendEngineOptions } from '../send/engine';
import { type Campaign, checkCampaign } from './campaign';
import { campaignRenderer, type PixelUrlSource } from './render';
import type { CampaignSnapshot } from './snapshot';

export interface CampaignDeps {
  clock: Clock;
  sender: MailSender;
  pixelUrl: PixelUrlSource;
  onChange?: SendEngineOptions['onChange'];
  /** Overrides for tests and tuning (reconciliation timings, backoff, concurrency). */
  engine?: Partial<Omit<SendEngineOptions, 'clock' | 'sender' | 'render' | 'onChange'>>;
}

function engineOptions(campaign: Campaign, deps: CampaignDeps): SendEngineOptions {
  return {
    ...deps.engine,
    clock: deps.clock,
    sender: deps.sender,
    render: campaignRenderer(campaign, deps.pixelUrl),
    ratePerMinute: campaign.ratePerMinute,
    ...(deps.onChange ? { onChange: deps.onChange } : {}),
  };
}

/** The engine for a campaign that passed its checks; throws if something still needs fixing. */
export function createCampaignSend(campaign: Campaign, deps: CampaignDeps): SendEngine {
  const readiness = checkCampaign(campaign);
  if (!readiness.ready) throw new Error('The campaign has problems to fix before sending.');
  // The grace period: nothing leaves before it ends, unless the recruiter says "Send now".
  const graceMs = (campaign.sequence?.graceMinutes ?? 0) * 60_000;
  const notBefore = graceMs > 0 ? deps.clock.now() + graceMs : undefined;
  return SendEngine.create(
    engineOptions(campaign, deps),
    campaign.prospects.map((p) => ({
      id: p.id,
      address: p.email,
      ...(notBefore !== undefined ? { notBefore } : {}),
    })),
  );
}

/** Continues a saved campaign: call start() on the result (a paused one stays paused). */
export function restoreCampaignSend(snapshot: CampaignSnapshot, deps: CampaignDeps): SendEngine {
  const options = engineOptions(snapshot.campaign, deps);
  return snapshot.send
    ? SendEngine.restore(options, snapshot.send)
    : createCampaignSend(snapshot.campaign, deps);
}

export function campaignSnapshot(campaign: Campaign, engine: SendEngine | null): CampaignSnapshot {
  return { version: 1, campaign, send: engine ? engine.snapshot() : null };
}
