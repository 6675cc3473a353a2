/**
 * Test stand-in for Candor's API as key access uses it (issue #9 contract, section 2), for one
 * user, in memory, on an injected clock. It keeps the rules the real server keeps: PUT /me/key with
 * a stale expectedKeyId is a 409 `key-changed`; the recovery unlock counts wrong verifiers (5 per
 * 15 minutes → 429) and stores only a hash of the verifier; approvals move created → responded →
 * revealed → granted only in that order (409 otherwise), at most 3 live, gone after 10 minutes;
 * a re-sealed event must be v2 and name the registered key. Every call is logged by name.
 */
import { ApiError, type ApiErrorKind } from '../../src/api/errors';
import type { ApiEvent, CampaignStateRecord, CampaignSummary, PutStateResult } from '../../src/api/client';
import { fromBase64url, toBase64url } from '../../src/shared/base64url';
import type { Clock } from '../../src/shared/clock';
import { publicKeyId } from '../../src/shared/sealed-event';
import type { KeyAccessApi } from '../../src/storage/key-access';
import type { Approval, KeyBackups } from '../../src/storage/key-ports';

const APPROVAL_TTL_MS = 10 * 60_000;
const WINDOW_MS = 15 * 60_000;
const WRONG_PER_WINDOW = 5;

function fail(status: number, code: string, extra: Record<string, unknown> = {}): never {
  const kind = (
    status === 409
      ? 'conflict'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not-found'
          : status === 429
            ? 'rate-limited'
            : 'invalid-request'
  ) as ApiErrorKind;
  throw new ApiError(kind, { status, code, ...extra } as ApiError['details']);
}

async function sha(text: string): Promise<string> {
  return toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', fromBase64url(text))));
}

export class FakeKeyServer {
  key: { publicKey: string; keyId: string } | null = null;
  recovery: {
    keyId: string;
    header: string;
    wrapped: string;
    verifierHash: string;
    createdAt: number;
  } | null = null;
  split: { keyId: string; share: string; createdAt: number } | null = null;
  tenant: { keyId: string; tenantKeyId: string; blob: string; createdAt: number } | null = null;
  tenantRecoveryKey: { keyId: string; publicKey: string } | null = null;
  approvals = new Map<string, Approval>();
  wrongAttempts: number[] = [];
  events: ApiEvent[] = [];
  campaigns = new Map<string, CampaignStateRecord>();
  calls: string[] = [];
  /** Set to make the next call of that name fail as if offline. */
  failNext = new Set<string>();
  #seq = 0;

  constructor(readonly clock: Clock) {}

  #live(): Approval[] {
    const now = this.clock.now();
    for (const [id, a] of this.approvals) if (a.expiresAt <= now) this.approvals.delete(id);
    return [...this.approvals.values()];
  }

  #approval(id: string): Approval {
    this.#live();
    const a = this.approvals.get(id);
    if (!a) fail(404, 'not-found');
    return a;
  }

  client(): KeyAccessApi & {
    getKey(): Promise<{ keyId: string; publicKey: string; updatedAt: number } | null>;
  } {
    const log = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
      this.calls.push(name);
      if (this.failNext.delete(name)) throw new ApiError('network');
      // Copies, as over the wire: nothing the caller holds aliases the server's state.
      return structuredClone(await f());
    };
    return {
      getKey: () => log('getKey', () => (this.key ? { ...this.key, updatedAt: 0 } : null)),
      registerKey: (publicKey, expectedKeyId) =>
        log('registerKey', async () => {
          const keyId = await publicKeyId(fromBase64url(publicKey));
          const current = this.key?.keyId ?? null;
          if (expectedKeyId !== undefined && expectedKeyId !== current)
            fail(409, 'key-changed', { keyId: current });
          this.key = { publicKey, keyId };
          return { keyId, publicKey, updatedAt: this.clock.now() };
        }),
      getKeyBackups: () =>
        log('getKeyBackups', (): KeyBackups => ({
          keyId: this.key?.keyId ?? null,
          recovery: this.recovery && {
            keyId: this.recovery.keyId,
            header: this.recovery.header,
            createdAt: this.recovery.createdAt,
          },
          split: this.split && { keyId: this.split.keyId, createdAt: this.split.createdAt },
          tenant: this.tenant && {
            keyId: this.tenant.keyId,
            tenantKeyId: this.tenant.tenantKeyId,
            createdAt: this.tenant.createdAt,
          },
          tenantRecoveryKey: this.tenantRecoveryKey,
        })),
      putRecoveryBackup: (b) =>
        log('putRecoveryBackup', async () => {
          this.recovery = { ...b, verifierHash: await sha(b.verifier), createdAt: this.clock.now() };
          delete (this.recovery as { verifier?: string }).verifier;
          return {};
        }),
      unlockRecovery: (verifier) =>
        log('unlockRecovery', async () => {
          if (!this.recovery) fail(404, 'not-found');
          const now = this.clock.now();
          this.wrongAttempts = this.wrongAttempts.filter((t) => t > now - WINDOW_MS);
          if (this.wrongAttempts.length >= WRONG_PER_WINDOW) {
            const retryAfterSeconds = Math.ceil((this.wrongAttempts[0]! + WINDOW_MS - now) / 1000);
            fail(429, 'too-many-attempts', { retryAfterSeconds, retryAfterMs: retryAfterSeconds * 1000 });
          }
          if ((await sha(verifier)) !== this.recovery.verifierHash) {
            this.wrongAttempts.push(now);
            fail(403, 'wrong-secret', { attemptsLeft: WRONG_PER_WINDOW - this.wrongAttempts.length });
          }
          return { keyId: this.recovery.keyId, wrapped: this.recovery.wrapped };
        }),
      putSplitShare: (keyId, share) =>
        log('putSplitShare', () => {
          this.split = { keyId, share, createdAt: this.clock.now() };
          return {};
        }),
      getSplitShare: () =>
        log('getSplitShare', () =>
          this.split ? { keyId: this.split.keyId, share: this.split.share } : null,
        ),
      putTenantBackup: (b) =>
        log('putTenantBackup', () => {
          if (b.tenantKeyId !== this.tenantRecoveryKey?.keyId) fail(409, 'tenant-key-changed');
          this.tenant = { ...b, createdAt: this.clock.now() };
          return {};
        }),
      createApproval: (commitment) =>
        log('createApproval', () => {
          if (this.#live().length >= 3) fail(429, 'too-many-approvals');
          const id = `ap${++this.#seq}`;
          const now = this.clock.now();
          this.approvals.set(id, {
            id,
            state: 'created',
            commitment,
            createdAt: now,
            expiresAt: now + APPROVAL_TTL_MS,
          });
          return { id, expiresAt: now + APPROVAL_TTL_MS };
        }),
      listApprovals: () => log('listApprovals', () => this.#live()),
      getApproval: (id) =>
        log('getApproval', () => {
          this.#live();
          return this.approvals.get(id) ?? null;
        }),
      respondApproval: (id, nonce) =>
        log('respondApproval', () => {
          const a = this.#approval(id);
          if (a.state !== 'created') fail(409, 'wrong-state');
          Object.assign(a, { state: 'responded', responderNonce: nonce });
          return a;
        }),
      revealApproval: (id, publicKey, nonce) =>
        log('revealApproval', () => {
          const a = this.#approval(id);
          if (a.state !== 'responded') fail(409, 'wrong-state');
          Object.assign(a, { state: 'revealed', publicKey, nonce });
          return {};
        }),
      grantApproval: (id, keyId, sealedKey) =>
        log('grantApproval', () => {
          const a = this.#approval(id);
          if (a.state !== 'revealed') fail(409, 'wrong-state');
          Object.assign(a, { state: 'granted', keyId, sealedKey });
          return {};
        }),
      deleteApproval: (id) =>
        log('deleteApproval', () => {
          this.approvals.delete(id);
          return {};
        }),
      resealEvent: (eventId, sealed) =>
        log('resealEvent', () => {
          const e = this.events.find((x) => x.eventId === eventId);
          if (!e) fail(404, 'not-found');
          if (sealed[0] !== 2 || toBase64url(sealed.subarray(1, 17)) !== this.key?.keyId)
            fail(400, 'wrong-key');
          e.sealed = new Uint8Array(sealed);
          return {};
        }),
      deleteMe: () =>
        log('deleteMe', () => {
          const deleted = {
            events: this.events.length,
            sends: 0,
            campaignStates: this.campaigns.size,
            users: this.key ? 1 : 0,
            tenants: 0,
          };
          this.key = this.recovery = this.split = this.tenant = null;
          this.approvals.clear();
          this.events = [];
          this.campaigns.clear();
          this.wrongAttempts = [];
          return { deleted };
        }),
      listEvents: ({ after = null, limit = 200 } = {}) =>
        log('listEvents', () => {
          const start = after === null ? 0 : Number(after);
          const events = this.events.slice(start, start + limit);
          return { events, next: String(start + events.length) };
        }),
      listCampaigns: () =>
        log('listCampaigns', (): CampaignSummary[] =>
          [...this.campaigns].map(([campaignId, c]) => ({
            campaignId,
            version: c.version,
            updatedAt: c.updatedAt,
          })),
        ),
      getCampaignState: (campaignId) =>
        log('getCampaignState', () => {
          const c = this.campaigns.get(campaignId);
          return c ?? null;
        }),
      putCampaignState: (campaignId, { expectedVersion, blob }) =>
        log('putCampaignState', (): PutStateResult => {
          const current = this.campaigns.get(campaignId)?.version ?? null;
          if (current !== expectedVersion) return { ok: false, currentVersion: current };
          const version = (current ?? 0) + 1;
          this.campaigns.set(campaignId, {
            campaignId,
            version,
            blob: new Uint8Array(blob),
            updatedAt: this.clock.now(),
          });
          return { ok: true, version };
        }),
    };
  }
}
