/**
 * The Candor sends reply matching compares inbound mail with, built from the campaign state, and
 * an index over them by conversation, Message-ID and prospect address.
 */
import { normalizeEmail } from '../prospects/email';
import { messageIdKey } from './headers';

export interface CandorSend {
  campaignId: string;
  /** The prospect this send went to (for a follow-up: its `prospectId`, not its record id). */
  prospectId: string;
  /** The campaign state's record id: the prospect id for step 1, `${prospectId}#${step}` after. */
  recordId: string;
  /** 1-based sequence step. */
  step: number;
  /** The tracking backend's send id (uploads and the report join on it); null when never registered. */
  sendId: string | null;
  /** The engine's id of the attempt (the x-candor-send-id header). */
  attemptId: string;
  address: string;
  /** Comparison form of the subject we sent (subject.ts subjectKey). */
  subjectKey: string;
  sentAt: number;
  /** From our copy in Sent Items, once found. */
  conversationId: string | null;
  internetMessageId: string | null;
}

export class SendIndex {
  readonly all: readonly CandorSend[];
  readonly #byConversation = new Map<string, CandorSend[]>();
  readonly #byMessageId = new Map<string, CandorSend>();
  readonly #byAddress = new Map<string, CandorSend[]>();
  readonly #byProspect = new Map<string, CandorSend[]>();

  constructor(sends: readonly CandorSend[]) {
    // Newest first, so "the latest send before this message" is the first that fits.
    this.all = [...sends].sort((a, b) => b.sentAt - a.sentAt);
    for (const s of this.all) {
      if (s.conversationId) push(this.#byConversation, s.conversationId, s);
      if (s.internetMessageId) this.#byMessageId.set(messageIdKey(s.internetMessageId), s);
      push(this.#byAddress, normalizeEmail(s.address), s);
      push(this.#byProspect, prospectKey(s), s);
    }
  }

  /** Every send (every step) to the same prospect of the same campaign, newest first. */
  ofProspect(send: CandorSend): readonly CandorSend[] {
    return this.#byProspect.get(prospectKey(send)) ?? [send];
  }

  byConversation(conversationId: string): readonly CandorSend[] {
    return conversationId ? (this.#byConversation.get(conversationId) ?? []) : [];
  }

  byMessageId(id: string): CandorSend | undefined {
    return this.#byMessageId.get(messageIdKey(id));
  }

  byAddress(address: string): readonly CandorSend[] {
    return this.#byAddress.get(normalizeEmail(address)) ?? [];
  }

  hasAddress(address: string): boolean {
    return this.#byAddress.has(normalizeEmail(address));
  }
}

const prospectKey = (s: CandorSend) => `${s.campaignId}\n${s.prospectId}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
