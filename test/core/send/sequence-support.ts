import type { OutgoingMail } from '../../../src/core/mail';
import {
  followUpId,
  isCopyOf,
  prospectOf,
  type EngineView,
  type RecipientInput,
  type RecipientRecord,
  type SendEngine,
} from '../../../src/core/send';
import type { FakeMailbox } from '../support/fake-mailbox';

export const DAY_MS = 24 * 3_600_000;

/** A small stand-in for src/core/sequence's `nextFollowUp`: `steps` steps, each a fixed delay after the previous was sent. */
export function fixedDelays(steps: number, delayMs: number) {
  return (sent: RecipientRecord, view: EngineView): RecipientInput | null => {
    const step = sent.step ?? 1;
    if (step >= steps) return null;
    const prospectId = prospectOf(sent);
    return {
      id: followUpId(prospectId, step + 1),
      address: sent.address,
      step: step + 1,
      prospectId,
      notBefore: (sent.sentAt ?? view.now) + delayMs,
      threadOf: sent.id,
    };
  };
}

/** Step 1 "Role at Acme for p1"; later steps "RE: …" (what Exchange gives a reply); the body names the step. */
export function sequenceRender(r: RecipientInput): OutgoingMail {
  const prospect = r.prospectId ?? r.id;
  const step = r.step ?? 1;
  const subject = `Role at Acme for ${prospect}`;
  return {
    to: { address: r.address },
    subject: step === 1 ? subject : `RE: ${subject}`,
    html: `<p data-prospect="${prospect}" data-step="${step}">Hello</p>`,
  };
}

/** Which (prospect, step) a mail the mailbox accepted was. */
export function unitOf(mail: OutgoingMail): { prospect: string; step: number } {
  const m = /data-prospect="([^"]+)" data-step="(\d+)"/.exec(mail.html);
  if (!m) throw new Error('Not a sequence mail');
  return { prospect: m[1] as string, step: Number(m[2]) };
}

/**
 * What reply tracking does: for every sent record whose Sent Items copy is not known yet, find it
 * (visible copies only) and tell the engine.
 */
export function syncCopies(engine: SendEngine, mailbox: FakeMailbox): void {
  const now = mailbox.clock.now();
  for (const r of engine.recipients()) {
    if (r.state !== 'sent' || r.conversationId !== undefined) continue;
    const copy = mailbox.copies.find((c) => c.visibleAt <= now && isCopyOf(c.record, r, 2 * 60_000));
    if (copy) engine.annotate(r.id, { copy: copy.record });
  }
}
