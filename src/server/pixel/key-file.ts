/**
 * Where pixel keys come from: configuration in production (PIXEL_KEYS), or — for development — a
 * key generated on first start into the git-ignored data directory, so a fresh checkout works and
 * no secret is ever committed.
 *
 * PIXEL_KEYS format: comma-separated `kid:base64url-secret` (≥ 32 bytes each), e.g.
 * `k2:…,k1:…`; PIXEL_KEY_CURRENT names the key that signs new tokens (default: the first listed).
 * Rotation: add a new key in front, keep the old ones as long as their mail should still count.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64urlCanonical, encodeBase64url } from '../crypto/base64url';
import { isValidKid, MIN_KEY_BYTES, PixelKeyRing, type PixelKey } from './token';

export function parsePixelKeys(spec: string): PixelKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [kid, secret, extra] = entry.split(':');
      const bytes = secret ? decodeBase64urlCanonical(secret) : null;
      if (!kid || !isValidKid(kid) || !bytes || extra !== undefined || bytes.length < MIN_KEY_BYTES) {
        // Never echo the entry: it holds a secret.
        throw new Error(
          `PIXEL_KEYS: each entry must be kid:base64url(>= ${MIN_KEY_BYTES} bytes), kid of a-z0-9`,
        );
      }
      return { kid, secret: bytes };
    });
}

/** Builds the key ring from config, or from (creating if needed) `<dataDir>/pixel-keys.json`. */
export function loadPixelKeyRing(options: {
  keys?: string | undefined;
  currentKid?: string | undefined;
  dataDir: string;
}): PixelKeyRing {
  if (options.keys) {
    const keys = parsePixelKeys(options.keys);
    return new PixelKeyRing(keys, options.currentKid ?? (keys[0] as PixelKey).kid);
  }
  const file = join(options.dataDir, 'pixel-keys.json');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const dev = { current: 'dev1', keys: { dev1: encodeBase64url(randomBytes(32)) } };
    writeFileSync(file, JSON.stringify(dev, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
  const spec = Object.entries(stored.keys)
    .map(([kid, secret]) => `${kid}:${secret}`)
    .join(',');
  return new PixelKeyRing(parsePixelKeys(spec), options.currentKid ?? stored.current);
}
