/**
 * What reply sync needs from the outside world, as plain types: the mailbox (Graph), the campaign
 * state (the engine when the campaign is open, the saved snapshot otherwise), the delta cursors and
 * the upload of sealed replies. The real ones are wired in src/ui/results; tests pass fakes.
 */
import type { MailHeaderRecord } from '../mail';
import type { EngineStatus, RecipientRecord, StopReason } from '../send';
import type { RecipientNote } from '../send/recipient-note';
import type { MatchConfidence, MatchRule, ReplyKind } from '../results/types';
import type { InternetHeader } from './headers';

export type MailFolder = 'inbox' | 'junkemail';
export const SYNCED_FOLDERS: readonly MailFolder[] = ['inbox', 'junkemail'];

export interface MailFolderDeltaState {
  deltaLink?: string;
  receivedSince?: string;
}

export interface MailFolderDeltaResult {
  messages: MailHeaderRecord[];
  removedIds: string[];
  deltaLink: string;
  fullSync: boolean;
  restarted: boolean;
  /** Graph refused the receivedDateTime filter and the whole folder was enumerated. */
  fallbackUnfiltered: boolean;
}

export type InternetHeadersResult =
  | { status: 'ok'; headers: InternetHeader[] }
  | { status: 'unavailable' }
  /** The message is gone (moved or deleted since it was listed): skip it, a later round sees it again. */
  | { status: 'gone' };

/** The Graph boundary as reply sync uses it (src/graph's Graph satisfies it). */
export interface ReplyMailbox {
  mailFolderDelta(
    folder: MailFolder,
    state?: MailFolderDeltaState,
    signal?: AbortSignal,
  ): Promise<MailFolderDeltaResult>;
  /**
   * Optional idle poll: every stored deltaLink in one request; null for a folder that needs a full
   * `mailFolderDelta` round (more pages, lost state, any error).
   */
  pollFolderDeltas?(
    links: Partial<Record<MailFolder, string>>,
    signal?: AbortSignal,
  ): Promise<Partial<Record<MailFolder, MailFolderDeltaResult | null>>>;
  getInternetHeaders(messageId: string, signal?: AbortSignal): Promise<InternetHeadersResult>;
  listSentSince(since: string, signal?: AbortSignal): Promise<MailHeaderRecord[]>;
}

/** One campaign as reply sync reads it (decrypted in the pane). */
export interface TrackedCampaign {
  campaignId: string;
  status: EngineStatus;
  stopReason: StopReason | null;
  recipients: RecipientRecord[];
  /** Engine send id (x-candor-send-id) → the backend's send id. */
  backendSends: Record<string, string>;
}

export interface CampaignStatePort {
  /** Every campaign that has started sending. */
  list(): Promise<TrackedCampaign[]>;
  /** Records notes on recipients (one write per campaign). */
  annotate(campaignId: string, notes: ReadonlyMap<string, RecipientNote>): Promise<void>;
  /**
   * A backend send id for a send that has none (its opens were not tracked, so none was registered
   * before sending): registered now and kept in the campaign state, so the answer can be stored.
   */
  registerSend(campaignId: string, attemptId: string): Promise<string>;
  /** Stops a running campaign with a reason the recruiter reads. */
  stop(campaignId: string, reason: { code: string; message: string }): Promise<void>;
}

export interface DeltaCursor {
  deltaLink: string;
  /** The receivedSince the cursor's first (full) sync used. */
  since: string;
}

/** Per folder, per user; the real one lives in IndexedDB (src/storage/reply-cursors.ts). */
export interface DeltaCursorStore {
  load(folder: MailFolder): Promise<DeltaCursor | null>;
  save(folder: MailFolder, cursor: DeltaCursor): Promise<void>;
}

/** One matched message, ready to be sealed and uploaded. */
export interface ReplyUpload {
  /** Backend send id. */
  sendId: string;
  /** Stable across moves: the internetMessageId when Graph gave one, else the Graph message id. */
  replyId: string;
  payload: {
    subject: string;
    from: string;
    receivedAt: number;
    ip: string | null;
    kind: ReplyKind;
    confidence: MatchConfidence;
    matchedBy: MatchRule;
    statusCode: string | null;
  };
}
