import { describe, expect, it } from 'vitest';
import { keyAccessProblem } from '../../../src/ui/keys/key-access-types';
import { formatApprovalCode, keyErrorText, waitText } from '../../../src/ui/keys/wording';

/** Shaped like src/storage/key-access-error.ts's KeyAccessError: the numbers sit in `details`. */
class DetailsError extends Error {
  constructor(
    readonly kind: string,
    readonly details: { attemptsLeft?: number | null; retryAfterSeconds?: number } = {},
  ) {
    super('plain words from key access');
  }
}

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('Key error wording', () => {
  it('reads the attempts left and the wait from the error or its details', () => {
    expect(keyAccessProblem(new DetailsError('wrong-secret', { attemptsLeft: 2 }))).toEqual({
      kind: 'wrong-secret',
      attemptsLeft: 2,
    });
    expect(
      keyAccessProblem(Object.assign(new Error('x'), { kind: 'rate-limited', retryAfterSeconds: 90 })),
    ).toEqual({
      kind: 'rate-limited',
      retryAfterSeconds: 90,
    });
    expect(keyAccessProblem(new Error('other'))).toBeNull();
  });

  it('says how many tries are left, and that a malformed secret spent none', () => {
    expect(keyErrorText(new DetailsError('wrong-secret', { attemptsLeft: 1 }), NOW)).toMatch(
      /1 attempt left/,
    );
    expect(keyErrorText(new DetailsError('wrong-secret', { attemptsLeft: 0 }), NOW)).toMatch(
      /last attempt for now/,
    );
    expect(keyErrorText(new DetailsError('wrong-secret', { attemptsLeft: null }), NOW)).toMatch(
      /not a recovery code or passphrase for your account/,
    );
  });

  it('says when to try again after too many wrong tries, with another way forward', () => {
    const text = keyErrorText(new DetailsError('rate-limited', { retryAfterSeconds: 840 }), NOW);
    expect(text).toMatch(/Try again in 14 minutes \(at .+\), or approve this device from another device/);
    expect(waitText(30, NOW)).toMatch(/^in 30 seconds/);
    expect(waitText(60, NOW)).toMatch(/^in 1 minute \(/);
  });

  it('tells a denial from an expiry, and passes other plain messages through', () => {
    expect(keyErrorText(new DetailsError('denied'), NOW)).toMatch(
      /denied the request, so nothing was shared/,
    );
    expect(keyErrorText(new DetailsError('expired'), NOW)).toMatch(/expired \(requests last 10 minutes\)/);
    expect(keyErrorText(new DetailsError('cannot-back-up'), NOW)).toBe('plain words from key access');
  });

  it('shows the approval code as two groups of three', () => {
    expect(formatApprovalCode('123456')).toBe('123 456');
    expect(formatApprovalCode('123 456')).toBe('123 456');
  });
});
