/**
 * What a sent campaign produced, as the pane knows it after reply sync and after opening the user's
 * sealed events: the contract between reply tracking (which produces these records) and the report
 * (which only reads them). Plain data, no I/O.
 */
import type { ProspectResponse, RecipientState, Threading } from '../send/recipient';

/** How the pixel intake judged an open (stored sealed with the event). */
export type OpenVerdict = 'human' | 'proxy' | 'scanner';

/** One open of one send's pixel, opened from its sealed event. */
export interface OpenRecord {
  eventId: string;
  /** The backend's send id (the one in the pixel token). */
  sendId: string;
  at: number;
  /** The address that fetched the pixel (a person's, or a proxy's/scanner's). */
  ip: string | null;
  verdict: OpenVerdict;
}

/** What an inbound message that matched a Candor send turned out to be. */
export type ReplyKind = 'reply' | 'bounce' | 'out-of-office';

/** How sure the match to our send is; shown to the recruiter next to the reply. */
export type MatchConfidence = 'high' | 'medium' | 'low';

/** Which rule matched the inbound message to our send. */
export type MatchRule = 'conversation' | 'headers' | 'address-subject';

/** One matched inbound message (reply, bounce or out-of-office), opened from its sealed event. */
export interface ReplyRecord {
  eventId: string;
  /** The backend's send id of the send it answers. */
  sendId: string;
  kind: ReplyKind;
  subject: string;
  /** The address it came from (for a bounce: the reporting system, e.g. postmaster@…). */
  from: string;
  receivedAt: number;
  /** The connecting mail server's IP from the headers, when Graph returned headers. */
  ip: string | null;
  confidence: MatchConfidence;
  matchedBy: MatchRule;
  /** Bounce status code (e.g. "5.1.1") when known; null otherwise. */
  statusCode: string | null;
}

/**
 * One send to a prospect as the campaign state holds it (decrypted in the pane): one per sequence
 * step the prospect has a record for. A single-message campaign has one per prospect (step 1).
 */
export interface ProspectSend {
  prospectId: string;
  /** 1-based sequence step. */
  step: number;
  /** A display name from the prospect's merge fields, or the address when there is none. */
  displayName: string;
  address: string;
  state: RecipientState;
  sentAt: number | null;
  /** The backend's send id (joins opens and replies), null when never registered. */
  sendId: string | null;
  /** How a follow-up went out (in the prospect's thread, or as a new message and why), once sent. */
  threading?: Threading;
  /** What reply sync recorded on this step's record (what the stop rule reads). */
  response?: ProspectResponse;
}

/** Why a prospect gets no further step: set by hand in the campaign, or by the stop rule. */
export type StopCode = 'removed' | 'do-not-contact';

/** Everything the report of one campaign is built from. */
export interface CampaignResults {
  campaignId: string;
  name: string;
  /** When the first message went out (null: not sent yet). */
  startedAt: number | null;
  /** Every send: each prospect in campaign order, its steps in order (a prospect not sent yet: step 1, queued). */
  prospects: ProspectSend[];
  /** How many steps the campaign has (1 + follow-ups); absent: as many as the sends show. */
  steps?: number;
  /** Prospects stopped by hand (no further step), from the campaign state. */
  stopped?: Record<string, { code: StopCode | string; at: number }>;
  opens: OpenRecord[];
  replies: ReplyRecord[];
  /** When reply sync last completed (null: never). */
  syncedAt: number | null;
  /** Plain-language notes on what could not be matched or read (shown in the report). */
  notes: string[];
}

/** A campaign in the Home list, before its results are loaded. */
export interface CampaignListing {
  campaignId: string;
  name: string;
  startedAt: number | null;
  updatedAt: number;
}

/**
 * Where the report gets its data (the real one syncs replies and pulls sealed events; tests pass
 * fakes). `sync` runs reply sync and event pull now (the recruiter's "Refresh").
 */
export interface ResultsSource {
  listCampaigns(): Promise<CampaignListing[]>;
  load(campaignId: string): Promise<CampaignResults | null>;
  sync(signal?: AbortSignal): Promise<void>;
  /** Called whenever new results are available (after a background sync). Returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
}
