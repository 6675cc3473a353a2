/**
 * What the campaign screens need from the outside world, injected (src/ui/campaign/load-runtime.ts
 * builds the real one; tests pass fakes). Nothing here is React.
 */
import type { CampaignSnapshot } from '../../core/campaign';
import type { MailSender } from '../../core/mail';
import type { MailboxLimits } from '../../core/send/mailbox-limits';
import type { MailTemplate } from '../../core/template';
import type { ComposeItem } from '../../outlook';
import type { Clock } from '../../shared/clock';
import type { Connectivity } from '../../shared/connectivity';
import type { CampaignDraft } from './draft';
import type { ReplySyncChannel } from './reply-sync-channel';
import type { SendLease } from './send-lease';
import type { SendLock } from './send-lock';

/** One campaign as this device keeps it (encrypted at rest and on the backend by the real store). */
export interface PersistedCampaign {
  version: 1;
  /** The campaign being built; null once sending started (the snapshot holds it then). */
  draft: CampaignDraft | null;
  snapshot: CampaignSnapshot | null;
  /** Engine send id (x-candor-send-id) → the backend's send id, for opens and reply matching. */
  backendSends: Record<string, string>;
}

export interface CampaignStore {
  /** The campaign this recruiter last worked on, or null. */
  currentId(): Promise<string | null>;
  setCurrentId(id: string | null): Promise<void>;
  open(campaignId: string): Promise<PersistedCampaign | undefined>;
  /** Saves soon (debounced). */
  save(campaignId: string, value: PersistedCampaign): void;
  /** Saves now and resolves once it is durable on this device: the send engine's write-ahead. */
  saveNow(campaignId: string, value: PersistedCampaign): Promise<void>;
  /**
   * Two devices (send lease held): saves now and resolves only once Candor's service has this very
   * value — on a conflict it is pushed again on top, since the lease holder's copy is the truth.
   * Rejects when the service cannot be reached; then the send must not leave.
   */
  saveToService(campaignId: string, value: PersistedCampaign): Promise<void>;
  /**
   * Two devices: writes what is pending, then opens the service's copy (the newer one wins).
   * Rejects when the service cannot be reached, instead of falling back to this device's copy.
   */
  openFromService(campaignId: string): Promise<PersistedCampaign | undefined>;
  /** This device's copy only, without the backend: the way forward when opening fails there. */
  openLocal(campaignId: string): Promise<PersistedCampaign | undefined>;
  /** Deletes this device's copy of a campaign (and stops pointing at it). */
  discard(campaignId: string): Promise<void>;
  /** Writes what is pending, then accepts no more saves (sign-out, disconnect). */
  close(): Promise<void>;
}

export interface SavedTemplate extends MailTemplate {
  name: string;
}

export interface TemplateLibrary {
  list(): SavedTemplate[];
  save(template: SavedTemplate): void;
  remove(name: string): void;
}

export interface CampaignRuntime {
  /** The send engine's clock: real time, or the demo's fast clock (then `timeFactor` > 1). */
  clock: Clock;
  timeFactor: number;
  sender: MailSender;
  /** Whether the device is online; sending waits for it and resumes when it comes back. Default: cannot tell. */
  connectivity?: Connectivity;
  /** Registers one send with the tracking backend; its pixel URL is null when opens are not tracked. */
  registerSend(campaignId: string, trackOpens: boolean): Promise<{ sendId: string; pixelUrl: string | null }>;
  store: CampaignStore;
  /**
   * Why the latest save did not fully succeed, in the recruiter's words (null when it did): the
   * backup on Candor's service failed (the campaign is kept on this device) or this device's copy did.
   */
  syncProblem(): string | null;
  /** Calls `listener` whenever syncProblem() changes; returns the unsubscribe. */
  subscribeSyncProblem(listener: () => void): () => void;
  templates: TemplateLibrary;
  /** Only one window on this device sends a given campaign. */
  lock: SendLock;
  /**
   * Only one device sends a given campaign: the lease on Candor's service (send-lease.ts) and this
   * device's id for it. Absent: this device does not coordinate with others (tests, old service).
   * `clock`: what the lease is timed on (default `clock` above; the service's pace, so real time
   * when the demo's send clock runs fast). `seconds`: its length (default LEASE_SECONDS).
   */
  lease?: { port: SendLease; deviceId: string; clock?: Clock; seconds?: number };
  newId(): string;
  /**
   * Exchange's per-mailbox limits (30 a minute, 10,000 a day, 4 at once), shared by every campaign
   * this pane sends. Absent: each engine keeps its own (tests).
   */
  mailbox?: MailboxLimits;
  /** Follow-ups wait for a reply sync after they fall due; absent: no reply sync here (tests). */
  replySync?: ReplySyncChannel;
  /** Every campaign of this user (ids), to find the ones still sending besides the current one. */
  listCampaignIds?(): Promise<string[]>;
  /**
   * Sign-out or disconnect: stops the send engine, writes what is pending, and saves nothing more,
   * so no campaign data is written (locally or to the backend) after the user's data is deleted.
   */
  close(): Promise<void>;
}

/** The Outlook side the template step needs (from PaneServices.office). */
export interface ComposeSource {
  inOffice: boolean;
  getComposeItem(): Promise<ComposeItem | null>;
}
