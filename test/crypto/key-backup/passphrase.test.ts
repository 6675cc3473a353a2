import { describe, expect, it } from 'vitest';
import { checkPassphrase } from '../../../src/crypto/key-backup/passphrase';

describe('passphrase strength', () => {
  it('refuses common passwords with a plain warning', async () => {
    const weak = await checkPassphrase('password1234');
    expect(weak.ok).toBe(false);
    expect(weak.score).toBeLessThan(3);
    expect(weak.warning).toMatch(/password|guess/i);
    expect(weak.suggestions.length).toBeGreaterThan(0);
  });

  it('refuses a short passphrase even when it is hard to guess', async () => {
    const short = await checkPassphrase('q7$Vz!2m');
    expect(short.ok).toBe(false);
    expect(short.suggestions).toContain('Use at least 12 characters.');
  });

  it('accepts several unrelated words', async () => {
    const strong = await checkPassphrase('violet tractor mango quietly orbit');
    expect(strong).toMatchObject({ ok: true, warning: null });
    expect(strong.score).toBeGreaterThanOrEqual(3);
  });
});
