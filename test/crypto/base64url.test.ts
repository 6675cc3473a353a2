import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64url, toBase64url } from '../../src/shared/base64url';

describe('canonical base64url', () => {
  it('round-trips any bytes and matches Node’s encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64url(text)).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('refuses padding, the standard alphabet, impossible lengths and aliased spellings', () => {
    // 'AQ' is [1]; 'AR' decodes to the same byte with stray low bits set — a second spelling.
    expect(fromBase64url('AQ')).toEqual(Uint8Array.of(1));
    for (const bad of ['AR', 'AQ==', 'a+b/', 'A', 'ab cd'])
      expect(() => fromBase64url(bad), bad).toThrow(TypeError);
  });
});
