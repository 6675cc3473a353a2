import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
import { acceleratedClock } from '../../src/shared/accelerated-clock';
import { createGraph, type GraphOptions } from '../../src/graph';
import type { OutgoingMail } from '../../src/core/mail';
import { accepted, fakeFetch, graphError, hang, sequence, type Responder } from './fake-fetch';

const mail: OutgoingMail = {
  to: { address: 'ada@example.org', name: 'Ada Lovelace' },
  subject: 'A role you might like',
  html: '<p>Hello Ada</p><img src="https://px.example/o/v1.k.abc.def.gif" alt="">',
  headers: { 'x-candor-send': 'abc' },
};

function setup(responder: Responder, extra: Partial<GraphOptions> = {}) {
  const clock = new ManualClock();
  const fake = fakeFetch(responder);
  const graph = createGraph({
    getAccessToken: async () => 'graph-token',
    fetch: fake.fetch,
    clock,
    timeoutClock: clock,
    random: () => 0.5,
    ...extra,
  });
  return { graph, clock, calls: fake.calls, posts: () => fake.calls.filter((c) => c.method === 'POST') };
}

describe('sendMail', () => {
  it('posts one JSON message to /me/sendMail with the Graph token and reports 202 as accepted', async () => {
    const { graph, calls } = setup(() => accepted());
    await expect(graph.sendMail(mail)).resolves.toEqual({ kind: 'accepted' });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url.href).toBe('https://graph.microsoft.com/v1.0/me/sendMail');
    expect(call?.headers.get('Authorization')).toBe('Bearer graph-token');
    expect(call?.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(JSON.parse(call?.body ?? '')).toEqual({
      message: {
        subject: mail.subject,
        body: { contentType: 'HTML', content: mail.html },
        toRecipients: [{ emailAddress: { address: 'ada@example.org', name: 'Ada Lovelace' } }],
        internetMessageHeaders: [{ name: 'x-candor-send', value: 'abc' }],
      },
      saveToSentItems: true,
    });
  });

  it('leaves internetMessageHeaders out when there are none (Graph rejects an empty collection)', async () => {
    const { graph, calls } = setup(() => accepted());
    await graph.sendMail({ ...mail, headers: {} });
    expect(JSON.parse(calls[0]?.body ?? '').message).not.toHaveProperty('internetMessageHeaders');
  });

  it.each([500, 502, 503, 504])(
    'reports %i as unknown after exactly one POST (it may have been sent)',
    async (status) => {
      const { graph, posts, clock } = setup(() =>
        graphError(status, 'ErrorServerBusy', { 'Retry-After': '1' }),
      );
      const pending = graph.sendMail(mail);
      await clock.advance(10 * 60_000);
      expect((await pending).kind).toBe('unknown');
      expect(posts()).toHaveLength(1);
    },
  );

  it('reports a timeout as unknown after exactly one POST', async () => {
    const { graph, posts, clock } = setup(hang, { requestTimeoutMs: 30_000 });
    const pending = graph.sendMail(mail);
    await clock.advance(29_999);
    expect(posts()).toHaveLength(1);
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(0);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ kind: 'unknown', reason: 'timeout' });
    await clock.advance(10 * 60_000);
    expect(posts()).toHaveLength(1);
  });

  it.each([
    ['no answer', () => new Promise<Response>(() => {})],
    [
      'a body that never ends',
      async () => new Response(new ReadableStream({ start: () => undefined }), { status: 202 }),
    ],
  ])(
    'times out on its own clock even when fetch ignores the abort (%s): one POST, unknown',
    async (_name, deaf) => {
      // A fetch that never settles on abort (Node forgets the signal of a collected Request).
      const { graph, posts, clock } = setup(() => deaf(), { requestTimeoutMs: 30_000 });
      const pending = graph.sendMail(mail);
      let settled = false;
      void pending.then(() => (settled = true));
      await clock.advance(29_999);
      expect(settled).toBe(false);
      await clock.advance(1);
      await expect(pending).resolves.toEqual({ kind: 'unknown', reason: 'timeout' });
      expect(posts()).toHaveLength(1);
    },
  );

  it('reports a dropped connection as unknown after exactly one POST', async () => {
    const { graph, posts } = setup(() => Promise.reject(new TypeError('fetch failed')));
    await expect(graph.sendMail(mail)).resolves.toEqual({
      kind: 'unknown',
      reason: 'network',
      connectionLost: true,
    });
    expect(posts()).toHaveLength(1);
  });

  it('waits exactly the Retry-After seconds on the clock after a 429, then sends once more', async () => {
    const { graph, posts, clock } = setup(
      sequence(
        () => graphError(429, 'ApplicationThrottled', { 'Retry-After': '7' }),
        () => accepted(),
      ),
    );
    const pending = graph.sendMail(mail);
    await clock.advance(6_999);
    expect(posts()).toHaveLength(1);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ kind: 'accepted' });
    expect(posts()).toHaveLength(2);
  });

  it('honours a fractional Retry-After and an HTTP-date Retry-After', async () => {
    const clock = new ManualClock();
    const date = new Date(clock.now() + 12_000).toUTCString();
    const { graph, posts } = setup(
      sequence(
        () => graphError(429, 'TooManyRequests', { 'Retry-After': '2.128' }),
        () => graphError(429, 'TooManyRequests', { 'Retry-After': date }),
        () => accepted(),
      ),
      { clock },
    );
    const pending = graph.sendMail(mail);
    await clock.advance(2_127);
    expect(posts()).toHaveLength(1);
    await clock.advance(1);
    expect(posts()).toHaveLength(2);
    // The date is 12 s after the start: 9.872 s after the second attempt.
    await clock.advance(9_871);
    expect(posts()).toHaveLength(2);
    await clock.advance(1);
    await expect(pending).resolves.toEqual({ kind: 'accepted' });
    expect(posts()).toHaveLength(3);
  });

  it('backs off exponentially with jitter when a 429 carries no readable Retry-After', async () => {
    // random() = 0.5 → delays are 0.75 × (2 s, 4 s, 8 s).
    const { graph, posts, clock } = setup(
      sequence(
        () => graphError(429, 'TooManyRequests'),
        () => graphError(429, 'TooManyRequests', { 'Retry-After': 'soon' }),
        () => graphError(429, 'TooManyRequests'),
        () => accepted(),
      ),
    );
    const pending = graph.sendMail(mail);
    await clock.advance(1_499);
    expect(posts()).toHaveLength(1);
    await clock.advance(1);
    expect(posts()).toHaveLength(2);
    await clock.advance(2_999);
    expect(posts()).toHaveLength(2);
    await clock.advance(1);
    expect(posts()).toHaveLength(3);
    await clock.advance(6_000);
    await expect(pending).resolves.toEqual({ kind: 'accepted' });
    expect(posts()).toHaveLength(4);
  });

  it('gives up after maxThrottleRetries and reports throttled with the last Retry-After', async () => {
    const { graph, posts, clock } = setup(
      () => graphError(429, 'ApplicationThrottled', { 'Retry-After': '5' }),
      {
        maxThrottleRetries: 2,
      },
    );
    const pending = graph.sendMail(mail);
    await clock.advance(60_000);
    await expect(pending).resolves.toEqual({ kind: 'throttled', retryAfterMs: 5_000 });
    expect(posts()).toHaveLength(3);
  });

  it('reports a Retry-After beyond maxRetryWaitMs at once instead of sleeping through it', async () => {
    const { graph, posts } = setup(() => graphError(429, 'ApplicationThrottled', { 'Retry-After': '900' }), {
      maxRetryWaitMs: 120_000,
    });
    await expect(graph.sendMail(mail)).resolves.toEqual({ kind: 'throttled', retryAfterMs: 900_000 });
    expect(posts()).toHaveLength(1);
  });

  it.each([
    [401, 'InvalidAuthenticationToken'],
    [403, 'ErrorAccessDenied'],
    [403, 'Authorization_RequestDenied'],
    [507, 'ErrorQuotaExceeded'],
    [403, 'ErrorSubmissionQuotaExceeded'],
    // Exchange reports the 10,000-recipients-per-day limit as a 429; retrying cannot help.
    [429, 'ErrorSubmissionQuotaExceeded'],
  ])('stops the campaign (fatal) on %i %s', async (status, code) => {
    const { graph, posts, clock } = setup(() => graphError(status, code), {});
    const pending = graph.sendMail(mail);
    await clock.advance(60_000);
    await expect(pending).resolves.toMatchObject({ kind: 'rejected', code, fatal: true });
    expect(posts()).toHaveLength(1);
  });

  it('refuses just this message (not fatal) on another 4xx', async () => {
    const { graph } = setup(() => graphError(400, 'ErrorInvalidRecipients'));
    await expect(graph.sendMail(mail)).resolves.toMatchObject({
      kind: 'rejected',
      code: 'ErrorInvalidRecipients',
      fatal: false,
    });
  });

  it('reports a missing token as a fatal rejection without touching the network', async () => {
    const { graph, calls } = setup(() => accepted(), {
      getAccessToken: () => Promise.reject(new Error('interaction_required')),
    });
    await expect(graph.sendMail(mail)).resolves.toMatchObject({
      kind: 'rejected',
      code: 'TokenUnavailable',
      fatal: true,
    });
    expect(calls).toHaveLength(0);
  });

  it('rejects headers Graph would refuse (not x-, more than 5) without sending', async () => {
    const { graph, calls } = setup(() => accepted());
    await expect(
      graph.sendMail({ ...mail, headers: { 'List-Unsubscribe': '<mailto:u@x>' } }),
    ).resolves.toMatchObject({
      kind: 'rejected',
      fatal: false,
    });
    const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`x-h${i}`, 'v']));
    await expect(graph.sendMail({ ...mail, headers: six })).resolves.toMatchObject({ kind: 'rejected' });
    expect(calls).toHaveLength(0);
  });

  it('stops waiting when the caller aborts during a throttle wait, without another POST', async () => {
    const { graph, posts, clock } = setup(() =>
      graphError(429, 'ApplicationThrottled', { 'Retry-After': '30' }),
    );
    const controller = new AbortController();
    const pending = graph.sendMail(mail, controller.signal);
    await clock.advance(1_000);
    controller.abort(new Error('campaign paused'));
    await expect(pending).rejects.toThrow('campaign paused');
    await clock.advance(60_000);
    expect(posts()).toHaveLength(1);
  });

  it('reports a caller abort mid-flight as unknown (the POST was already on the wire)', async () => {
    const { graph, posts } = setup(hang);
    const controller = new AbortController();
    const pending = graph.sendMail(mail, controller.signal);
    await new Promise((r) => setTimeout(r, 0));
    controller.abort(new Error('pane closed'));
    await expect(pending).resolves.toEqual({ kind: 'unknown', reason: 'aborted' });
    expect(posts()).toHaveLength(1);
  });
});

describe('timeouts under the demo’s fast clock', () => {
  it('measures the network timeout in wall-clock time even when throttle time runs 1000× faster', async () => {
    const fake = fakeFetch(
      (req) =>
        new Promise<Response>((resolve, reject) => {
          const timer = setTimeout(() => resolve(accepted()), 60);
          req.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(req.signal?.reason);
          });
        }),
    );
    const graph = createGraph({
      getAccessToken: async () => 't',
      fetch: fake.fetch,
      clock: acceleratedClock({ factor: 1000, anchor: Date.now() }),
      requestTimeoutMs: 30_000,
    });
    // 30 s of fast-clock time is 30 ms of real time; the 60 ms answer must still count.
    await expect(graph.sendMail(mail)).resolves.toEqual({ kind: 'accepted' });
  });
});
