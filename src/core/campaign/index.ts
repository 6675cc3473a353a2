export {
  type Campaign,
  type Readiness,
  type StepReadiness,
  stepCount,
  compileFollowUp,
  tracksOpens,
  withProspectTracking,
  withoutProspects,
  checkCampaign,
} from './campaign';
export { campaignRenderer, previewMessage, REPLY_PREFIX, type PixelUrlSource } from './render';
export { type CampaignSnapshot, parseCampaignSnapshot } from './snapshot';
export { type CampaignDeps, createCampaignSend, restoreCampaignSend, campaignSnapshot } from './run';
export { MAX_CAMPAIGN_ROWS, sendingDays, firstRows } from './size';
