import { expect } from 'vitest';
import type { RecipientRecord } from '../../../src/core/send';

/**
 * The promise of the send engine, checked against the mailbox's ground truth: nobody got two
 * copies, and nobody was silently skipped — every recipient is sent (and really was, once),
 * failed with a reason, or uncertain and waiting for the recruiter's decision.
 */
export function expectExactlyOnce(records: RecipientRecord[], deliveries: Map<string, number>): void {
  for (const [address, count] of deliveries)
    expect(count, `copies delivered to ${address}`).toBeLessThanOrEqual(1);
  for (const r of records) {
    const delivered = deliveries.get(r.address.toLowerCase()) ?? 0;
    switch (r.state) {
      case 'sent':
        expect(delivered, `${r.id} is sent, so exactly one copy exists`).toBe(1);
        break;
      case 'failed':
        expect(r.failure?.message, `${r.id} failed with a reason`).toBeTruthy();
        if (r.failure?.code !== 'marked-not-sent')
          expect(delivered, `${r.id} failed, so no copy exists`).toBe(0);
        break;
      case 'uncertain':
        expect(r.uncertain?.awaitingDecision, `${r.id} is uncertain and waiting for the recruiter`).toBe(
          true,
        );
        expect(delivered, `${r.id} was not found in Sent Items, so no copy may exist`).toBe(0);
        break;
      default:
        throw new Error(`${r.id} was left ${r.state}`);
    }
  }
}
