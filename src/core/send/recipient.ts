/** Where one recipient stands. `sending` is transient: it never survives a reload (see restore). */
export type RecipientState = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

export interface RecipientInput {
  /** The prospect id for step 1; `followUpId(prospectId, step)` for later steps. */
  id: string;
  address: string;
  /** 1-based sequence step; absent means 1. */
  step?: number;
  /** Set for steps after the first. */
  prospectId?: string;
  /** Not sent before this time (grace period, follow-up due time). */
  notBefore?: number;
  /** The previous step's record id: this one replies in the thread of its Sent Items copy. */
  threadOf?: string;
}

/** The record id of a prospect's follow-up step (step 1 keeps the prospect id). */
export function followUpId(prospectId: string, step: number): string {
  return `${prospectId}#${step}`;
}

/** How a follow-up went out: in the prospect's thread, or (copy gone) as a new "RE:" message. */
export interface Threading {
  how: 'reply' | 'new-message';
  /** Why it was not threaded, in the recruiter's words. */
  reason?: string;
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
  /** 1-based sequence step; absent means 1. */
  step?: number;
  /** Set for steps after the first (step-1 records use the prospect id as their id). */
  prospectId?: string;
  /** Not sent before this time. */
  notBefore?: number;
  /** The previous step's record id (reply in the thread of its copy). */
  threadOf?: string;
  /** How it went out, once sent (follow-ups only). */
  threading?: Threading;
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
    ...(input.step !== undefined ? { step: input.step } : {}),
    ...(input.prospectId !== undefined ? { prospectId: input.prospectId } : {}),
    ...(input.notBefore !== undefined ? { notBefore: input.notBefore } : {}),
    ...(input.threadOf !== undefined ? { threadOf: input.threadOf } : {}),
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

/** What the renderer needs to know about a unit (the same fields the unit was queued with). */
export function recipientInput(r: RecipientRecord): RecipientInput {
  return {
    id: r.id,
    address: r.address,
    ...(r.step !== undefined ? { step: r.step } : {}),
    ...(r.prospectId !== undefined ? { prospectId: r.prospectId } : {}),
    ...(r.threadOf !== undefined ? { threadOf: r.threadOf } : {}),
  };
}

/** The prospect a unit belongs to: step-1 records use the prospect id as their own id. */
export function prospectOf(r: Pick<RecipientRecord, 'id' | 'prospectId'>): string {
  return r.prospectId ?? r.id;
}
