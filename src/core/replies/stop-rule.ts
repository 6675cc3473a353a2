/**
 * The stop rule: which matched messages change a prospect's status in the campaign state (so no
 * later step writes to them), and which stop the whole campaign.
 *
 * - A reply, at any confidence: the prospect wrote to the recruiter; nothing automatic follows.
 * - A bounce or an out-of-office at high or medium confidence. A low-confidence one is shown in the
 *   report but changes nothing: it may belong to another prospect.
 * - A bounce whose code says the recruiter's mailbox or tenant is refused does not mark the
 *   prospect (their address is fine); it stops every campaign that is sending instead.
 */
import type { ProspectResponse } from '../send';
import type { Match } from './match';
import type { Answer } from './classify';

export function responseFor(c: Answer, match: Match, receivedAt: number): ProspectResponse | null {
  if (c.kind === 'reply') return { kind: 'replied', at: receivedAt };
  if (match.confidence === 'low') return null;
  if (c.kind === 'bounce') return c.senderBlock ? null : { kind: 'bounced', at: receivedAt };
  return { kind: 'out-of-office', at: receivedAt };
}
