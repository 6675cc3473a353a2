import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { FaultKind } from '../../src/emulator/mailbox';
import { errorCode, setup, USER } from './harness';

describe('limits', () => {
  it('a fifth concurrent request gets 429 ApplicationThrottled with Retry-After', async () => {
    const { call, clock, emulator } = await setup({ latencyMs: 1000 });
    const inFlight = Array.from({ length: 4 }, () => call('GET', '/me'));
    // Token checks finish on WebCrypto's schedule: wait until all four hold a slot (not a fixed sleep).
    await vi.waitFor(() => expect(emulator.stats.maxConcurrent).toBe(4));
    const fifth = await call('GET', '/me');
    expect(fifth.status).toBe(429);
    expect(errorCode(fifth.json)).toBe('ApplicationThrottled');
    expect((fifth.json.error as { message: string }).message).toContain('MailboxConcurrency');
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await clock.advance(1000);
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(emulator.stats.maxConcurrent).toBe(4);
    expect(emulator.stats.concurrencyRejections).toBe(1);
  });

  it('more than N requests in the window are throttled until the window moves', async () => {
    const { call, clock, emulator } = await setup({
      limits: { requestsPerWindow: 5, requestWindowMs: 60_000 },
    });
    for (let i = 0; i < 5; i++) expect((await call('GET', '/me')).status).toBe(200);
    const over = await call('GET', '/me');
    expect(over.status).toBe(429);
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    await clock.advance(wait * 1000 + 1000);
    expect((await call('GET', '/me')).status).toBe(200);
    expect(emulator.stats.requestRateRejections).toBe(1);
  });

  it('over 30 messages a minute are accepted but their Sent Items copies come later, counted as violations', async () => {
    const { send, clock, emulator } = await setup({ transportDelayMs: 1000, sentItemsDelayMs: 0 });
    for (let i = 0; i < 35; i++) expect((await send(`p${i}+silent@example.org`, `m${i}`)).status).toBe(202);
    expect(emulator.stats.rateViolations).toBe(5);
    await clock.advance(5000);
    expect(emulator.sentItems(USER.oid)).toHaveLength(30);
    await clock.advance(60_000);
    expect(emulator.sentItems(USER.oid)).toHaveLength(35);
    const late = emulator.sentItems(USER.oid).filter((m) => m.sentDateTime === '2026-01-05T09:01:00Z');
    expect(late).toHaveLength(5);
  });

  it('the send queue is first in, first out: a burst of 65 goes out 30, 30, 5 a minute apart, in order', async () => {
    const { send, clock, emulator } = await setup({ transportDelayMs: 0, sentItemsDelayMs: 0 });
    for (let i = 0; i < 65; i++) await send(`p${i}+silent@example.org`, `m${i}`);
    await clock.advance(3 * 60_000);
    const byMinute = new Map<string, string[]>();
    for (const m of [...emulator.sentItems(USER.oid)].reverse())
      byMinute.set(m.sentDateTime, [...(byMinute.get(m.sentDateTime) ?? []), m.subject]);
    expect([...byMinute.entries()].map(([t, s]) => [t, s.length])).toEqual([
      ['2026-01-05T09:00:00Z', 30],
      ['2026-01-05T09:01:00Z', 30],
      ['2026-01-05T09:02:00Z', 5],
    ]);
    expect(byMinute.get('2026-01-05T09:02:00Z')).toEqual(['m60', 'm61', 'm62', 'm63', 'm64']);
    expect(emulator.stats.rateViolations).toBe(35);
  });

  it('over the daily recipient limit a send is still accepted (202) and an NDR with 5.2.2 follows, until the window rolls', async () => {
    const { send, clock, emulator } = await setup({ limits: { recipientsPerDay: 3 } });
    for (let i = 0; i < 3; i++) expect((await send(`p${i}+silent@example.org`)).status).toBe(202);
    const over = await send('p4+silent@example.org', 'Over quota');
    expect(over.status).toBe(202);
    expect(emulator.stats.recipientQuotaRejections).toBe(1);
    await clock.advance(10 * 60_000);
    const [ndr] = emulator.inbox(USER.oid);
    expect(ndr!.subject).toBe('Undeliverable: Over quota');
    expect(ndr!.from.emailAddress).toEqual({ name: 'Microsoft Outlook', address: 'postmaster@contoso.com' });
    expect(ndr!.body.content).toContain('5.2.2');
    expect(emulator.deliveries(USER.oid).map((d) => d.to)).not.toContain('p4+silent@example.org');
    await clock.advance(24 * 3_600_000 + 1);
    expect((await send('p5+silent@example.org')).status).toBe(202);
    expect(emulator.deliveries(USER.oid)).toHaveLength(4);
  });
});

describe('faults', () => {
  it("'429' answers without sending, with or without Retry-After", async () => {
    const { send, clock, emulator } = await setup();
    emulator.injectFault({ kind: '429', retryAfterSeconds: 7 });
    emulator.injectFault({ kind: '429', retryAfterSeconds: null });
    const a = await send('a+silent@example.org');
    const b = await send('a+silent@example.org');
    expect([a.status, a.headers.get('retry-after')]).toEqual([429, '7']);
    expect([b.status, b.headers.get('retry-after')]).toEqual([429, null]);
    await clock.advance(100_000);
    expect(emulator.sentItems(USER.oid)).toHaveLength(0);
    expect((await send('a+silent@example.org')).status).toBe(202);
  });

  it("'503-before-accept' sends nothing; '503-after-accept' sends and then fails", async () => {
    const { send, clock, emulator } = await setup();
    emulator.injectFault('503-before-accept');
    expect((await send('a+silent@example.org', 'before')).status).toBe(503);
    emulator.injectFault('503-after-accept');
    const after = await send('a+silent@example.org', 'after');
    expect(after.status).toBe(503);
    expect(errorCode(after.json)).toBe('ErrorServerBusy');
    await clock.advance(100_000);
    expect(emulator.sentItems(USER.oid).map((m) => m.subject)).toEqual(['after']);
  });

  it("'timeout-after-accept' sends, then rejects like fetch once the caller aborts", async () => {
    const { clock, emulator, call } = await setup();
    emulator.injectFault('timeout-after-accept');
    const controller = new AbortController();
    const pending = call('POST', '/me/sendMail', {
      signal: controller.signal,
      body: {
        message: { subject: 'slow', toRecipients: [{ emailAddress: { address: 'a+silent@example.org' } }] },
      },
    });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await clock.advance(30_000);
    expect(settled).toBe(false);
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    await clock.advance(100_000);
    expect(emulator.sentItems(USER.oid).map((m) => m.subject)).toEqual(['slow']);
    expect(emulator.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'timeout-after-accept' });
  });

  it("'network-error-before-accept' rejects with a TypeError and sends nothing", async () => {
    const { send, clock, emulator } = await setup();
    emulator.injectFault('network-error-before-accept');
    await expect(send('a+silent@example.org')).rejects.toBeInstanceOf(TypeError);
    await clock.advance(10_000);
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
    expect(emulator.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'network-error-before-accept' });
  });

  it("'revoked' refuses that request and every later one with a token from before; a new sign-in works", async () => {
    const { call, send, emulator, token, clock } = await setup();
    emulator.injectFault('revoked');
    const first = await send('a+silent@example.org', 'S', {}, token);
    expect(first.status).toBe(401);
    expect(errorCode(first.json)).toBe('InvalidAuthenticationToken');
    expect((first.json.error as { message: string }).message).toContain(
      'TokenIssuedBeforeRevocationTimestamp',
    );
    expect((await call('GET', '/me', { token })).status).toBe(401);
    // Minted in the same second as the revocation: still "issued before" it.
    expect((await call('GET', '/me/messages')).status).toBe(401);
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
    await clock.advance(1000);
    expect((await call('GET', '/me')).status).toBe(200);
    expect((await call('GET', '/me', { token })).status).toBe(401);
    emulator.restoreAccess(USER.oid);
    expect((await call('GET', '/me', { token })).status).toBe(200);
  });

  it('random fault sequences: each send meets the next fault, and only accepted sends reach Sent Items', async () => {
    const kinds: FaultKind[] = [
      '429',
      '503-before-accept',
      '503-after-accept',
      'network-error-before-accept',
    ];
    const expectedStatus: Record<string, number> = {
      '429': 429,
      '503-before-accept': 503,
      '503-after-accept': 503,
      'network-error-before-accept': 0,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...kinds), { maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        async (queued, extra) => {
          const { send, clock, emulator } = await setup();
          for (const k of queued) emulator.injectFault(k);
          const statuses: number[] = [];
          for (let i = 0; i < queued.length + extra; i++) {
            statuses.push(
              await send(`p${i}+silent@example.org`, `m${i}`).then(
                (r) => r.status,
                () => 0,
              ),
            );
          }
          expect(statuses).toEqual([...queued.map((k) => expectedStatus[k]), ...Array(extra).fill(202)]);
          await clock.advance(100_000);
          const accepted = queued.filter((k) => k === '503-after-accept').length + extra;
          expect(emulator.sentItems(USER.oid)).toHaveLength(accepted);
          expect(emulator.stats.accepted).toBe(accepted);
        },
      ),
      { numRuns: 10 },
    );
  });
});
