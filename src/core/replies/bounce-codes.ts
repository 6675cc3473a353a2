/**
 * What a bounce's enhanced status code (RFC 3463, e.g. "5.7.233") says, read from the subject or
 * headers only. Most codes are about the prospect's address; a few say the recruiter's own mailbox
 * or tenant can no longer send — then the campaign must stop, because every further message would
 * bounce too (or worsen a block). Microsoft reports these after sendMail's 202, never as an error.
 */

/** A status code anywhere in a text: "550 5.1.1 …", "#5.7.233", "Status: 5.2.2". */
const CODE = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])/u;

export function statusCodeIn(text: string): string | null {
  const m = CODE.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/** Why the sender (not the prospect) is refused; shown to the recruiter as the stop reason. */
export interface SenderBlock {
  code: string;
  message: string;
}

const SENDER_SIDE: Record<string, string> = {
  '5.7.233':
    'Microsoft 365 refused to send: your organisation reached its daily limit of messages to external recipients. Nothing more will go out until the limit resets (up to 24 hours). Your IT admin can check it.',
  '5.1.8':
    'Microsoft 365 has blocked your mailbox from sending, usually because it was flagged for sending spam. Ask your IT admin to release it before resuming.',
  '5.2.2':
    'Microsoft 365 refused to send: your mailbox is over its sending quota. Wait until the quota resets, then resume.',
  '5.7.708':
    'Microsoft 365 is not delivering mail from your organisation right now (its sending reputation is under review). Ask your IT admin before resuming.',
  '5.7.705':
    'Microsoft 365 has blocked your organisation from sending for a while because too much of its mail looked like spam. Ask your IT admin before resuming.',
  '5.7.750':
    'Microsoft 365 has blocked your organisation from sending to outside addresses until its domains are verified. Ask your IT admin.',
  '5.7.501':
    'Microsoft 365 refused the messages as spam from your account. Ask your IT admin before resuming.',
  '5.7.502':
    'Microsoft 365 refused the messages as spam from your account. Ask your IT admin before resuming.',
  '5.7.503':
    'Microsoft 365 refused the messages as spam from your account. Ask your IT admin before resuming.',
  '5.7.511': 'Microsoft 365 has banned your sending address. Ask your IT admin before resuming.',
};

/**
 * 5.2.2 usually means the prospect's mailbox is full; it is about our side only when Exchange says
 * the submission quota was exceeded, which it does in the diagnostic text of the same header.
 */
const OWN_QUOTA = /submission\s*quota|sendingquota|quotaexceeded|sending\s+quota|send\s+quota/iu;

/** The stop signal for a bounce, or null when it is about the prospect's address only. */
export function senderBlock(code: string | null, evidence: string): SenderBlock | null {
  if (!code) return null;
  const message = SENDER_SIDE[code];
  if (!message) return null;
  if (code === '5.2.2' && !OWN_QUOTA.test(evidence)) return null;
  return { code: `bounce-${code}`, message };
}
