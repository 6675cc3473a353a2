/** Where one recipient stands. `sending` is transient: it never survives a reload (see restore). */
export type RecipientState = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface RecipientInput {
  /** The prospect id. */
  id: string;
  address: string;
}

/** One attempt's identity: what reconciliation looks for in Sent Items. */
export interface SendAttempt {
  /** Random per attempt; sent as the `x-candor-send-id` header. */
  sendId: string;
  /** Clock time just before the request left. */
  startedAt: number;
  /** The exact rendered subject (Sent Items is matched on it). */
  subject: string;
}

export interface Uncertainty {
  reason: string;
  since: number;
  nextCheckAt: number;
  /** Not found in Sent Items after the full wait: the recruiter decides (resend or mark not sent). */
  awaitingDecision: boolean;
}

/** What the prospect did after our send, as reply sync found it: later steps skip them. */
export interface ProspectResponse {
  kind: 'replied' | 'bounced' | 'out-of-office';
  /** When the answer (or bounce) was received. */
  at: number;
}

export interface RecipientRecord {
  id: string;
  address: string;
  state: RecipientState;
  /** sendMail requests that may have reached Exchange (429s are not counted: nothing was taken). */
  attempts: number;
  attempt: SendAttempt | null;
  sentAt: number | null;
  /** How `sent` is known: Graph said 202, or our copy was found in Sent Items. */
  confirmedBy: 'accepted' | 'sent-items' | null;
  sentItemId: string | null;
  /** Of our copy in Sent Items (found after the send): what reply matching joins on. Absent until found. */
  conversationId?: string;
  internetMessageId?: string;
  /** The copy was looked for until this time and not found; reply matching uses address and subject. */
  copySearchEndedAt?: number;
  /** Replied, bounced or out of office (absent: nothing seen yet). */
  response?: ProspectResponse;
  failure: { code: string; message: string } | null;
  uncertain: Uncertainty | null;
}

export function newRecipient(input: RecipientInput): RecipientRecord {
  return {
    id: input.id,
    address: input.address,
    state: 'queued',
    attempts: 0,
    attempt: null,
    sentAt: null,
    confirmedBy: null,
    sentItemId: null,
    failure: null,
    uncertain: null,
  };
}
