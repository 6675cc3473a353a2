import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * Where the API's token-signing keys come from. `jose` resolves the key for a token; `keys()` exposes
 * the key set it used so the verifier can read Entra's non-standard per-key `issuer` member.
 */
export interface KeySource {
  getKey: JWTVerifyGetKey;
  keys(): JSONWebKeySet | undefined;
}

/**
 * Entra's published key set, cached. An unknown `kid` refetches at most once per cooldown, which
 * bounds the damage of a flood of tokens with random `kid`s (security.md §1.2).
 */
export function remoteKeySource(
  url: string,
  options: { cooldownMs?: number; timeoutMs?: number } = {},
): KeySource {
  const set = createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: 6 * 3600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return { getKey: set, keys: () => set.jwks() };
}

/** An in-process key set (the demo's local issuer, tests). Re-read on every call so rotation shows. */
export function localKeySource(read: () => JSONWebKeySet): KeySource {
  let cached: { text: string; source: JSONWebKeySet; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  const current = () => {
    const source = read();
    const text = JSON.stringify(source);
    if (cached?.text !== text) cached = { text, source, set: createLocalJWKSet(source) };
    return cached;
  };
  return {
    getKey: (header, token) => current().set(header, token),
    keys: () => current().source,
  };
}
