import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type ApiClientOptions } from '../../src/api/client';
import { ManualClock, type Clock } from '../../src/shared/clock';
import { toBase64url } from '../../src/shared/base64url';

const BASE = 'https://candor.test';
const jwt = (claims: object) =>
  `eyJhbGciOiJSUzI1NiJ9.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.c2ln`;
const API_TOKEN_1 = jwt({ aud: 'c0ffee00-0000-4000-8000-00000000c4d0', n: 1 });
const API_TOKEN_2 = jwt({ aud: 'c0ffee00-0000-4000-8000-00000000c4d0', n: 2 });
const GRAPH_TOKEN = jwt({ aud: '00000003-0000-0000-c000-000000000000' });

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** A scripted backend: each request takes the next response (or throws it). */
function fakeBackend(script: (Response | Error | ((seen: Seen) => Response))[]) {
  const seen: Seen[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const s: Seen = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      credentials: init?.credentials,
    };
    seen.push(s);
    const next = script.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next(s) : next;
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.UTC(2026, 0, 5), sleep: async (ms) => void slept.push(ms) };
}

function client(fetch: typeof globalThis.fetch, extra: Partial<ApiClientOptions> = {}) {
  const tokenCalls: boolean[] = [];
  const c = createApiClient({
    baseUrl: `${BASE}/`,
    fetch,
    clock: recordingClock(),
    getApiToken: async ({ forceRefresh }) => {
      tokenCalls.push(forceRefresh);
      return forceRefresh ? API_TOKEN_2 : API_TOKEN_1;
    },
    ...extra,
  });
  return { c, tokenCalls };
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('API client', () => {
  it('sends the API token as a bearer, no cookies, to /api/v1 on the configured origin', async () => {
    const { fetch, seen } = fakeBackend([json(200, { campaigns: [] })]);
    const { c } = client(fetch);
    expect(await c.listCampaigns()).toEqual([]);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `${BASE}/api/v1/campaigns`, credentials: 'omit' });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${API_TOKEN_1}`);
    expect(seen[0]!.headers.cookie).toBeUndefined();
  });

  it('refuses to send a Microsoft Graph token to the backend at all', async () => {
    const { fetch, seen } = fakeBackend([json(200, { campaigns: [] })]);
    const c = createApiClient({ baseUrl: BASE, fetch, getApiToken: async () => GRAPH_TOKEN });
    const err = await caught(c.listCampaigns());
    expect(err.kind).toBe('misconfigured');
    expect(seen).toHaveLength(0);
  });

  it('on 401 asks for a fresh token once and retries with it', async () => {
    const { fetch, seen } = fakeBackend([json(401, { error: 'unauthorized' }), json(200, { campaigns: [] })]);
    const { c, tokenCalls } = client(fetch);
    await c.listCampaigns();
    expect(tokenCalls).toEqual([false, true]);
    expect(seen.map((s) => s.headers.authorization)).toEqual([
      `Bearer ${API_TOKEN_1}`,
      `Bearer ${API_TOKEN_2}`,
    ]);
  });

  it('gives up after the fresh token is refused too', async () => {
    const { fetch, seen } = fakeBackend([
      json(401, { error: 'unauthorized' }),
      json(401, { error: 'unauthorized' }),
    ]);
    const err = await caught(client(fetch).c.listCampaigns());
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/sign in again/i);
    expect(err.message).not.toContain(API_TOKEN_1);
    expect(seen).toHaveLength(2);
  });

  it('waits out a 429 for Retry-After seconds, then succeeds', async () => {
    const clock = recordingClock();
    const { fetch, seen } = fakeBackend([
      json(429, { error: 'rate-limited' }, { 'retry-after': '3' }),
      json(200, { campaigns: [] }),
    ]);
    await client(fetch, { clock }).c.listCampaigns();
    expect(clock.slept).toEqual([3000]);
    expect(seen).toHaveLength(2);
  });

  it('reads the wait from the body when the header is not readable (CORS), and from an HTTP date', async () => {
    const clock = recordingClock();
    const inFive = new Date(clock.now() + 5000).toUTCString();
    const { fetch } = fakeBackend([
      json(429, { error: 'rate-limited', retryAfterSeconds: 7 }),
      json(429, { error: 'rate-limited' }, { 'retry-after': inFive }),
      json(200, { campaigns: [] }),
    ]);
    await client(fetch, { clock }).c.listCampaigns();
    expect(clock.slept).toEqual([7000, 5000]);
  });

  it('reports a 429 whose wait is too long instead of hanging the pane', async () => {
    const clock = recordingClock();
    const { fetch, seen } = fakeBackend([json(429, { error: 'rate-limited' }, { 'retry-after': '120' })]);
    const err = await caught(client(fetch, { clock }).c.listCampaigns());
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 120_000 } });
    expect(err.retryable).toBe(true);
    expect(clock.slept).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('turns a network failure into a network error and never re-posts sends', async () => {
    const { fetch, seen } = fakeBackend([new TypeError('Failed to fetch')]);
    const err = await caught(client(fetch).c.registerSends('camp-1', [{ trackOpens: true }]));
    expect(err.kind).toBe('network');
    expect(err.retryable).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it.each([
    [403, 'forbidden'],
    [404, 'not-found'],
    [400, 'invalid-request'],
    [413, 'too-large'],
    [500, 'server'],
    [503, 'unavailable'],
  ] as const)('maps %i to %s', async (status, kind) => {
    const { fetch } = fakeBackend([json(status, { error: 'x' })]);
    expect((await caught(client(fetch).c.registerKey('k'))).kind).toBe(kind);
  });

  it('reports an answer of the wrong shape as bad-response', async () => {
    const { fetch } = fakeBackend([json(200, { campaigns: 'nope' })]);
    expect((await caught(client(fetch).c.listCampaigns())).kind).toBe('bad-response');
  });

  it('returns a version conflict as data, and a missing state as null', async () => {
    const { fetch, seen } = fakeBackend([
      json(409, { error: 'version-conflict', currentVersion: 4 }),
      json(404, { error: 'not-found' }),
    ]);
    const { c } = client(fetch);
    expect(await c.putCampaignState('camp-1', { expectedVersion: 3, blob: Uint8Array.of(1, 2, 3) })).toEqual({
      ok: false,
      currentVersion: 4,
    });
    expect(seen[0]!.body).toEqual({ expectedVersion: 3, blob: 'AQID' });
    expect(await c.getCampaignState('camp-1')).toBeNull();
  });

  it('carries sealed bytes as base64url both ways', async () => {
    const sealed = crypto.getRandomValues(new Uint8Array(150));
    const event = {
      eventId: 'e'.repeat(21) + 'A',
      sendId: 's'.repeat(21) + 'A',
      kind: 'open',
      verdict: 'proxy',
      occurredAt: 5,
    };
    const { fetch, seen } = fakeBackend([
      json(201, { eventId: event.eventId, stored: true }),
      json(200, { events: [{ ...event, sealed: toBase64url(sealed) }], next: 'cursor-2' }),
    ]);
    const { c } = client(fetch);
    await c.postReply(event.sendId, { eventId: event.eventId, sealed });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/api/v1/sends/${event.sendId}/reply`,
      body: { eventId: event.eventId, sealed: toBase64url(sealed) },
    });
    const page = await c.listEvents({ after: 'cursor-1', limit: 50 });
    expect(seen[1]!.url).toBe(`${BASE}/api/v1/events?after=cursor-1&limit=50`);
    expect(page).toEqual({ events: [{ ...event, sealed }], next: 'cursor-2' });
  });
});

describe('API client on 429 (simulated clock)', () => {
  const busy = (seconds: string) => json(429, { error: 'rate-limited' }, { 'retry-after': seconds });

  it('waits Retry-After on the clock before retrying an idempotent call, and only then', async () => {
    const clock = new ManualClock();
    const { fetch, seen } = fakeBackend([busy('4'), json(200, { campaigns: [] })]);
    const listed = client(fetch, { clock }).c.listCampaigns();
    await clock.advance(3_999);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(await listed).toEqual([]);
    expect(seen).toHaveLength(2);
  });

  it('retries a bounded number of times, then says how long to wait in plain words', async () => {
    const clock = new ManualClock();
    const { fetch, seen } = fakeBackend([busy('2'), busy('2'), busy('9')]);
    const outcome = caught(client(fetch, { clock }).c.getCampaignState('camp-1'));
    while (await clock.runNext());
    const err = await outcome;
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ kind: 'rate-limited', details: { status: 429, retryAfterMs: 9_000 } });
    expect(err.message).toBe("Candor's service is busy; try again in 9 seconds.");
  });

  it('retries a sealed reply upload (idempotent by eventId) but never re-posts a batch of sends', async () => {
    const clock = new ManualClock();
    const eventId = 'e'.repeat(21) + 'A';
    const replies = fakeBackend([busy('1'), json(201, { eventId, stored: true })]);
    const posted = client(replies.fetch, { clock }).c.postReply('s'.repeat(21) + 'A', {
      eventId,
      sealed: Uint8Array.of(1),
    });
    await clock.advance(1_000);
    expect(await posted).toEqual({ eventId, stored: true });
    expect(replies.seen).toHaveLength(2);

    const sends = fakeBackend([busy('1')]);
    const err = await caught(
      client(sends.fetch, { clock }).c.registerSends('camp-1', [{ trackOpens: true }]),
    );
    expect(sends.seen).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(err.kind).toBe('rate-limited');
    expect(err.message).toBe("Candor's service is busy; try again in 1 second.");
  });

  it('waits at most 60 s by default; a longer Retry-After is reported at once', async () => {
    const clock = new ManualClock();
    const ok = fakeBackend([busy('60'), json(200, { campaigns: [] })]);
    const listed = client(ok.fetch, { clock }).c.listCampaigns();
    await clock.advance(60_000);
    expect(await listed).toEqual([]);

    const long = fakeBackend([busy('61')]);
    const err = await caught(client(long.fetch, { clock }).c.listCampaigns());
    expect(long.seen).toHaveLength(1);
    expect(err.message).toBe("Candor's service is busy; try again in 61 seconds.");
  });

  it('ends the wait when the pane aborts, without another request', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { fetch, seen } = fakeBackend([busy('30'), json(200, { campaigns: [] })]);
    const listed = client(fetch, { clock, signal: controller.signal })
      .c.listCampaigns()
      .then(
        () => 'resolved',
        (e: unknown) => e,
      );
    await clock.advance(1_000);
    expect(clock.pending).toBe(1);
    controller.abort(new DOMException('The pane closed.', 'AbortError'));
    expect(await listed).toMatchObject({ name: 'AbortError' });
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(seen).toHaveLength(1);
  });
});
