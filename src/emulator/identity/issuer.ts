import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GRAPH_SCOPES } from '../../shared/scopes';
import { systemClock, type Clock } from '../../shared/clock';

/** Audience Microsoft Graph access tokens carry (Graph's well-known application id). */
export const GRAPH_AUDIENCE = '00000003-0000-0000-c000-000000000000';

export interface LocalIssuerOptions {
  /** Base URL the issuer is reachable at, e.g. `http://127.0.0.1:3000/emulator/identity`. */
  baseUrl: string;
  /** Where the dev signing key is kept between runs (git-ignored). Omit for a throwaway key. */
  keyFile?: string;
  clock?: Clock;
}

export interface TokenSubject {
  tid: string;
  oid: string;
  name?: string;
  preferredUsername?: string;
}

export interface ApiTokenRequest extends TokenSubject {
  /** Candor API's application (client) id: the `aud` of a v2 token. */
  audience: string;
  /** The add-in's client id: `azp`. */
  azp: string;
  scopes?: string[];
  lifetimeSeconds?: number;
  /** Extra or overriding claims (tests use this to build bad tokens). */
  claims?: Record<string, unknown>;
}

/**
 * A local token issuer standing in for Entra ID in dev, demo and tests. It signs Entra-v2-shaped
 * access tokens with RS256 and publishes its key set the way Entra does (`issuer` on each key with
 * a `{tenantid}` placeholder), so Candor's real validation code runs unchanged against it.
 */
export class LocalIssuer {
  readonly baseUrl: string;
  readonly kid: string;
  readonly #privateKey: CryptoKey;
  readonly #publicJwk: JWK;
  readonly #clock: Clock;

  private constructor(baseUrl: string, kid: string, privateKey: CryptoKey, publicJwk: JWK, clock: Clock) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.kid = kid;
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
    this.#clock = clock;
  }

  static async create(options: LocalIssuerOptions): Promise<LocalIssuer> {
    const clock = options.clock ?? systemClock;
    const stored = options.keyFile ? await readStoredKey(options.keyFile) : undefined;
    if (stored) {
      const privateKey = (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey;
      return new LocalIssuer(options.baseUrl, stored.kid, privateKey, stored.publicJwk, clock);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    if (options.keyFile) {
      await mkdir(dirname(options.keyFile), { recursive: true });
      const privateJwk = await exportJWK(privateKey);
      await writeFile(options.keyFile, JSON.stringify({ kid, privateJwk, publicJwk }), { mode: 0o600 });
    }
    return new LocalIssuer(options.baseUrl, kid, privateKey, publicJwk, clock);
  }

  /** The `iss` of tokens for tenant `tid`, shaped like Entra's `https://login.microsoftonline.com/{tid}/v2.0`. */
  issuerFor(tid: string): string {
    return `${this.baseUrl}/${tid}/v2.0`;
  }

  /** Template form used in the key set and in Candor's configuration. */
  get issuerTemplate(): string {
    return `${this.baseUrl}/{tenantid}/v2.0`;
  }

  get jwksUrl(): string {
    return `${this.baseUrl}/discovery/v2.0/keys`;
  }

  /** The JSON Web Key Set, as served at `jwksUrl`. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.#publicJwk, issuer: this.issuerTemplate } as JWK] };
  }

  /** An access token for Candor's own API (`api://…/access_as_user`). */
  mintApiToken(req: ApiTokenRequest): Promise<string> {
    return this.#sign(
      {
        aud: req.audience,
        azp: req.azp,
        azpacr: '0',
        scp: (req.scopes ?? ['access_as_user']).join(' '),
        ...subjectClaims(req),
        ...req.claims,
      },
      req.tid,
      req.lifetimeSeconds,
    );
  }

  /** An access token for the mailbox emulator, carrying delegated Graph scopes. */
  mintGraphToken(
    subject: TokenSubject,
    scopes: readonly string[] = GRAPH_SCOPES,
    azp = 'candor-demo',
  ): Promise<string> {
    return this.#sign(
      { aud: GRAPH_AUDIENCE, azp, scp: scopes.join(' '), ...subjectClaims(subject) },
      subject.tid,
    );
  }

  #sign(claims: Record<string, unknown>, tid: string, lifetimeSeconds = 3600): Promise<string> {
    const now = Math.floor(this.#clock.now() / 1000);
    return new SignJWT({ ver: '2.0', uti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuer(this.issuerFor(tid))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(this.#privateKey);
  }
}

function subjectClaims(s: TokenSubject): Record<string, unknown> {
  return {
    tid: s.tid,
    oid: s.oid,
    sub: s.oid,
    ...(s.name ? { name: s.name } : {}),
    ...(s.preferredUsername ? { preferred_username: s.preferredUsername } : {}),
  };
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function readStoredKey(file: string): Promise<StoredKey | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
