import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors';

describe('API error messages', () => {
  it('explains the daily send limit in plain words, with when sending can go on', () => {
    const later = new ApiError('rate-limited', {
      status: 429,
      code: 'send-limit',
      retryAfterMs: 3 * 3_600_000,
    });
    expect(later.message).toContain('10,000 messages a day');
    expect(later.message).toContain('about 3 hours');
    const soon = new ApiError('rate-limited', { status: 429, code: 'send-limit', retryAfterMs: 60_000 });
    expect(soon.message).toContain('about 1 minute;');
    const never = new ApiError('rate-limited', { status: 429, code: 'send-limit' });
    expect(never.message).toContain('several smaller campaigns');
  });

  it('explains a state refused for another key without calling it a bug', () => {
    const e = new ApiError('invalid-request', { status: 400, code: 'wrong-key' });
    expect(e.message).toContain('connected on another device');
    expect(e.message).not.toMatch(/bug/i);
    expect(new ApiError('invalid-request', { status: 400, code: 'invalid-request' }).message).toMatch(/bug/);
  });

  it('keeps the generic busy message for other 429s', () => {
    const busy = new ApiError('rate-limited', { status: 429, code: 'rate-limited', retryAfterMs: 5_000 });
    expect(busy.message).toBe("Candor's service is busy; try again in 5 seconds.");
  });
});
