import type { MailHeaderRecord } from '../mail';
import { normalizeEmail } from '../prospects/email';
import type { RecipientRecord } from './recipient';

/** Sent with every message; used for matching whenever Graph returns internet headers. */
export const SEND_ID_HEADER = 'x-candor-send-id';

/**
 * Exchange may trim a subject; compare the text, not its edges or its Unicode form. A reply to a
 * reply may come out as "RE: RE: …" (a follow-up replies to the previous follow-up's copy), so a
 * run of "RE:" prefixes counts as one.
 */
function sameSubject(a: string, b: string): boolean {
  return subjectKey(a) === subjectKey(b);
}

function subjectKey(subject: string): string {
  return subject
    .trim()
    .normalize('NFC')
    .replace(/^(?:re:\s*)+/i, 'RE: ');
}

/**
 * Is this Sent Items copy the message of this recipient's last attempt? The send id header decides
 * when Graph returned headers; otherwise recipient address (case-insensitive) + exact subject + sent
 * no earlier than the attempt (minus the allowed clock skew).
 */
export function isCopyOf(item: MailHeaderRecord, recipient: RecipientRecord, clockSkewMs: number): boolean {
  const attempt = recipient.attempt;
  if (!attempt) return false;
  const header = item.internetMessageHeaders?.find((h) => h.name.toLowerCase() === SEND_ID_HEADER);
  if (header) return header.value === attempt.sendId;
  const address = normalizeEmail(recipient.address);
  if (!item.toRecipients.some((r) => normalizeEmail(r.address) === address)) return false;
  if (!sameSubject(item.subject, attempt.subject)) return false;
  const sent = item.sentDateTime ? Date.parse(item.sentDateTime) : NaN;
  return Number.isFinite(sent) && sent >= attempt.startedAt - clockSkewMs;
}

/** Pairs uncertain recipients with Sent Items copies; each copy confirms at most one recipient. */
export function findCopies(
  items: MailHeaderRecord[],
  recipients: RecipientRecord[],
  clockSkewMs: number,
): Map<string, MailHeaderRecord> {
  const found = new Map<string, MailHeaderRecord>();
  const used = new Set<string>();
  // Index by address so a batch costs O(items + recipients), not their product.
  const byAddress = new Map<string, MailHeaderRecord[]>();
  for (const item of items) {
    for (const r of item.toRecipients) {
      const key = normalizeEmail(r.address);
      const list = byAddress.get(key);
      if (list) list.push(item);
      else byAddress.set(key, [item]);
    }
  }
  for (const recipient of recipients) {
    const candidates = byAddress.get(normalizeEmail(recipient.address)) ?? [];
    const copy = candidates.find((item) => !used.has(item.id) && isCopyOf(item, recipient, clockSkewMs));
    if (copy) {
      used.add(copy.id);
      found.set(recipient.id, copy);
    }
  }
  return found;
}
