/**
 * What a bounce's enhanced status code (RFC 3463, as Exchange Online reports it) means for the
 * recruiter: whose problem it is and what to do. Codes Exchange Online uses for the sender's own
 * mailbox or tenant (quota, blocked sender, tenant limits) arrive as bounces after a 202, so they are
 * sender-side problems, not bad addresses.
 */
export type BounceReason =
  | 'no-such-address'
  | 'mailbox-full'
  | 'rejected'
  | 'temporary'
  | 'sender-blocked'
  | 'sending-limit'
  | 'unknown';

/** Sender-side codes from Exchange Online's NDR reference. */
const SENDER_SIDE: Record<string, BounceReason> = {
  '5.1.8': 'sender-blocked', // access denied, bad outbound sender (account blocked for sending spam)
  '5.7.705': 'sender-blocked', // tenant blocked for sending spam
  '5.7.708': 'sender-blocked', // tenant's outbound traffic blocked
  '5.7.750': 'sender-blocked', // unregistered domain blocked
  // Exchange Online uses 5.2.2 for "submission quota exceeded" (the sender's daily limit); the
  // generic SMTP meaning "mailbox full" is 4.2.2 / 5.2.2 elsewhere, but a Candor send leaves from
  // Exchange Online, whose own NDR is what the recruiter receives.
  '5.2.2': 'sending-limit',
  '5.1.90': 'sending-limit', // daily recipient limit reached
  '5.7.232': 'sending-limit', // trial tenant's external recipient limit
  '5.7.233': 'sending-limit', // tenant's external recipient limit
};

const RECIPIENT_SIDE: Record<string, BounceReason> = {
  '5.1.1': 'no-such-address',
  '5.1.10': 'no-such-address',
  '5.4.1': 'no-such-address',
  '5.1.0': 'no-such-address',
  '4.2.2': 'mailbox-full',
};

export function bounceReason(statusCode: string | null): BounceReason {
  if (!statusCode) return 'unknown';
  const code = statusCode.trim();
  const known = SENDER_SIDE[code] ?? RECIPIENT_SIDE[code];
  if (known) return known;
  if (code.startsWith('4.')) return 'temporary';
  if (code.startsWith('5.7.')) return 'rejected';
  return 'unknown';
}

/** A problem with the recruiter's own mailbox or tenant: every further send is likely to bounce too. */
export function isSenderSide(reason: BounceReason): boolean {
  return reason === 'sender-blocked' || reason === 'sending-limit';
}
