import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPixelKeyRing, parsePixelKeys } from '../../../src/server/pixel/key-file';
import { newSendId, PixelKeyRing } from '../../../src/server/pixel/token';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const key = (kid: string) => ({ kid, secret: randomBytes(32) });
const ring = new PixelKeyRing([key('k2'), key('k1')], 'k2');

describe('pixel token', () => {
  it('has the documented shape and round-trips to the send id', () => {
    const sendId = newSendId();
    const token = ring.mint(sendId);
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(token.split('.')[2]).toBe(sendId);
    expect(ring.verify(token)).toBe(sendId);
  });

  it('send ids are 16 random bytes and do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, newSendId));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('rejects a token signed by a key not in the ring, and one moved to another kid', () => {
    const other = new PixelKeyRing([key('k2')], 'k2');
    const sendId = newSendId();
    expect(ring.verify(other.mint(sendId))).toBeNull();
    const moved = ring.mint(sendId).replace('v1.k2.', 'v1.k1.');
    expect(ring.verify(moved)).toBeNull();
  });

  it('keeps verifying tokens of an older key after rotation', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const before = new PixelKeyRing([k1], 'k1');
    const after = new PixelKeyRing([k2, k1], 'k2');
    const sendId = newSendId();
    const old = before.mint(sendId);
    expect(after.verify(old)).toBe(sendId);
    expect(after.mint(sendId).startsWith('v1.k2.')).toBe(true);
    // Retiring the key retires its tokens.
    expect(new PixelKeyRing([k2], 'k2').verify(old)).toBeNull();
  });

  it('rejects non-canonical spellings that decode to the same bytes', () => {
    const sendId = newSendId();
    const token = ring.mint(sendId);
    const [v, kid, id, tag] = token.split('.') as [string, string, string, string];
    // The last character of a 16-byte base64url value carries 4 unused bits: flip one of them.
    const alias = (s: string) => {
      const last = B64URL.indexOf(s.at(-1) as string);
      return s.slice(0, -1) + B64URL[last ^ 1];
    };
    expect(Buffer.from(alias(tag), 'base64url').equals(Buffer.from(tag, 'base64url'))).toBe(true);
    expect(ring.verify([v, kid, id, alias(tag)].join('.'))).toBeNull();
    expect(ring.verify([v, kid, alias(id), tag].join('.'))).toBeNull();
    expect(ring.verify([v, kid, `${id}==`, tag].join('.'))).toBeNull();
    expect(ring.verify([v, kid, id, `${tag}==`].join('.'))).toBeNull();
    // Standard base64 alphabet for the same bytes.
    const std = (s: string) => Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '');
    if (std(id) !== id) expect(ring.verify([v, kid, std(id), tag].join('.'))).toBeNull();
  });

  describe('properties (every mutation of a valid token is rejected)', () => {
    const valid = fc.constant(null).map(() => {
      const sendId = newSendId();
      return { sendId, token: ring.mint(sendId) };
    });

    it('any single-character change', () => {
      fc.assert(
        fc.property(valid, fc.nat(), fc.integer({ min: 0, max: 127 }), ({ token }, pos, code) => {
          const i = pos % token.length;
          const c = String.fromCharCode(code);
          fc.pre(c !== token[i]);
          expect(ring.verify(token.slice(0, i) + c + token.slice(i + 1))).toBeNull();
        }),
        { numRuns: 3000 },
      );
    });

    it('any truncation or extension', () => {
      fc.assert(
        fc.property(valid, fc.nat(), fc.string({ minLength: 1, maxLength: 8 }), ({ token }, cut, tail) => {
          expect(ring.verify(token.slice(0, cut % token.length))).toBeNull();
          expect(ring.verify(token + tail)).toBeNull();
          expect(ring.verify(tail + token)).toBeNull();
        }),
        { numRuns: 1000 },
      );
    });

    it('any case change', () => {
      fc.assert(
        fc.property(valid, fc.nat(), ({ token }, pos) => {
          const letters = [...token].map((c, i) => [c, i] as const).filter(([c]) => /[a-zA-Z]/.test(c));
          const [c, i] = letters[pos % letters.length] as readonly [string, number];
          const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
          expect(ring.verify(token.slice(0, i) + flipped + token.slice(i + 1))).toBeNull();
          expect(ring.verify(token.toUpperCase())).toBeNull();
          expect(ring.verify(token.toLowerCase())).toBeNull();
        }),
        { numRuns: 1000 },
      );
    });

    it('any re-encoding (percent-encoding, base64 alphabet, padding, whitespace)', () => {
      fc.assert(
        fc.property(valid, fc.nat(), ({ token }, pos) => {
          const i = pos % token.length;
          const pct =
            token.slice(0, i) + `%${token.charCodeAt(i).toString(16).toUpperCase()}` + token.slice(i + 1);
          expect(ring.verify(pct)).toBeNull();
          expect(
            ring.verify(
              token.replaceAll('-', '+').replaceAll('_', '/') +
                (token.includes('-') || token.includes('_') ? '' : '='),
            ),
          ).toBeNull();
          expect(ring.verify(` ${token}`)).toBeNull();
          expect(ring.verify(`${token}\n`)).toBeNull();
          expect(ring.verify(token.replace(/\./g, '..'))).toBeNull();
        }),
        { numRuns: 1000 },
      );
    });

    it('random strings never verify', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 120 }), (s) => {
          expect(ring.verify(s)).toBeNull();
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('pixel keys', () => {
  it('parses PIXEL_KEYS and refuses short or malformed secrets without echoing them', () => {
    const s = randomBytes(32).toString('base64url');
    expect(parsePixelKeys(`a1:${s}, b2:${s}`).map((k) => k.kid)).toEqual(['a1', 'b2']);
    const short = randomBytes(16).toString('base64url');
    expect(() => parsePixelKeys(`a1:${short}`)).toThrow(/PIXEL_KEYS/);
    try {
      parsePixelKeys(`a1:${short}`);
    } catch (e) {
      expect(String(e)).not.toContain(short);
    }
    expect(() => parsePixelKeys(`a1:${s}=`)).toThrow();
    expect(() => parsePixelKeys(`A1!:${s}`)).toThrow();
  });

  it('uses configured keys with the named current key', () => {
    const s1 = randomBytes(32).toString('base64url');
    const s2 = randomBytes(32).toString('base64url');
    const r = loadPixelKeyRing({ keys: `new:${s2},old:${s1}`, dataDir: '/nonexistent' });
    expect(r.currentKid).toBe('new');
    expect(
      loadPixelKeyRing({ keys: `new:${s2},old:${s1}`, currentKid: 'old', dataDir: '/x' }).currentKid,
    ).toBe('old');
  });

  it('generates a dev key once into the data directory (private file) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-keys-'));
    try {
      const data = join(dir, '.data');
      const a = loadPixelKeyRing({ dataDir: data });
      const b = loadPixelKeyRing({ dataDir: data });
      const sendId = newSendId();
      expect(b.verify(a.mint(sendId))).toBe(sendId);
      const file = join(data, 'pixel-keys.json');
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe('dev1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
