import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_MESSAGES, LEASE_SECONDS } from '../../../src/ui/campaign/send-lease';
import type { SendFault } from '../../core/support/fake-mailbox';
import { CAMPAIGN_ID, type Device, World } from './two-devices';

// Campaign copies are stored as plain JSON here: every step stays on the simulated clock.
beforeEach(() => vi.stubGlobal('CompressionStream', undefined));
afterEach(() => vi.unstubAllGlobals());

/** Graph answers that leave the outcome unknown (or delay it), besides plain success. */
const GRAPH_FAULTS: SendFault[] = [
  'none',
  'none',
  'none',
  '503-after-accept',
  '503-before-accept',
  'timeout-after-accept',
  'network-error-before-accept',
  '429',
];

const allSent = (d: Device, n: number) =>
  d.alive && d.recipients().length === n && d.recipients().every((r) => r.state === 'sent');

/** Nobody got two messages, everybody got one, and each left while the service said its device held the lease. */
function expectExactlyOnceUnderLease(world: World, n: number) {
  const deliveries = world.mailbox.deliveries();
  for (let i = 1; i <= n; i++) expect(deliveries.get(`person${i}@example.com`), `person${i}`).toBe(1);
  expect([...deliveries.values()].reduce((a, b) => a + b, 0)).toBe(n);
  for (const send of world.sends)
    expect(send.holder, `${send.address} sent by ${send.device}`).toBe(`device-${send.device}`);
}

describe('two devices, one sender', () => {
  it('with both panes open only the lease holder sends; the other says so and shows the result after', async () => {
    const world = new World();
    await world.seed(6);
    const a = world.device('A');
    const b = world.device('B');
    await a.boot();
    await b.boot();
    await world.runFor(5_000);
    expect(a.notice()).toBeNull();
    expect(b.notice()).toBe(LEASE_MESSAGES.elsewhere);
    expect(await world.runUntil(() => allSent(a, 6))).toBe(true);
    expectExactlyOnceUnderLease(world, 6);
    expect(new Set(world.sends.map((s) => s.device))).toEqual(new Set(['A']));
    // A gave the lease back when it finished: B takes it, reloads A's result and gives it back.
    expect(await world.runUntil(() => allSent(b, 6) && b.status() === 'finished', 2 * 60_000)).toBe(true);
    await world.runFor(1_000);
    expect(b.notice()).toBeNull();
    expect(world.leases.holder('c-two-devices')).toBeNull();
    expect(world.sends).toHaveLength(6);
  });

  it('A crashes with a message accepted but not recorded: B takes over after the lease lapses, finds it in Sent Items, sends the rest once', async () => {
    const world = new World();
    await world.seed(8);
    const a = world.device('A');
    const b = world.device('B');
    await a.boot();
    expect(await world.runUntil(() => world.sends.length >= 3 && world.mailbox.inFlight > 0)).toBe(true);
    const crashedAt = world.clock.now();
    const inFlight = world.sends.at(-1)!.address;
    a.crash();
    await b.boot();
    await world.runFor(1_000);
    expect(b.notice()).toBe(LEASE_MESSAGES.elsewhere);
    expect(await world.runUntil(() => allSent(b, 8))).toBe(true);
    expectExactlyOnceUnderLease(world, 8);
    const bSends = world.sends.filter((s) => s.device === 'B');
    expect(bSends.length).toBe(8 - world.sends.filter((s) => s.device === 'A').length);
    expect(bSends[0]!.at).toBeGreaterThan(crashedAt + (LEASE_SECONDS - 20) * 1000);
    const recovered = b.recipients().find((r) => r.address === inFlight)!;
    expect(recovered.confirmedBy).toBe('sent-items');
    expect((await world.serverCopy()).snapshot?.send?.status).toBe('finished');
  });

  it('A cannot renew the lease: it stops sending before the lease lapses and says why; B starts only after', async () => {
    const world = new World();
    await world.seed(100);
    const a = world.device('A');
    const b = world.device('B');
    await a.boot();
    await b.boot();
    // The engine sends up to 30 at the start of each minute: the block comes before the second minute's.
    await world.runFor(50_000);
    const blockedAt = world.clock.now();
    a.leaseBlocked = true;
    await world.runFor(LEASE_SECONDS * 1000);
    expect(a.notice()).toBe(LEASE_MESSAGES.unreachable);
    expect(b.notice()).toBeNull();
    expect(await world.runUntil(() => allSent(b, 100))).toBe(true);
    expectExactlyOnceUnderLease(world, 100);
    const aSends = world.sends.filter((s) => s.device === 'A');
    const bSends = world.sends.filter((s) => s.device === 'B');
    const lastA = Math.max(...aSends.map((s) => s.at));
    const firstB = Math.min(...bSends.map((s) => s.at));
    // A kept sending while its last confirmation was valid, stopped before it ran out, and B
    // started only once the service let the lease lapse.
    expect(aSends.filter((s) => s.at > blockedAt).length).toBeGreaterThan(0);
    expect(lastA).toBeLessThan(blockedAt + (LEASE_SECONDS * 1000 - 10_000));
    expect(firstB - lastA).toBeGreaterThanOrEqual(10_000);
  });

  it('A loses Candor’s service: no message leaves without its "sending" state on the service', async () => {
    const world = new World();
    await world.seed(100);
    const a = world.device('A');
    await a.boot();
    await world.runFor(50_000);
    a.offline = true;
    const sentBefore = world.sends.length;
    await world.runFor(3 * 60_000);
    // At most the one whose write-ahead was already on the service when the connection dropped.
    expect(world.sends.length - sentBefore).toBeLessThanOrEqual(1);
    expect(a.notice()).toBe(LEASE_MESSAGES.unreachable);
    const b = world.device('B');
    await b.boot();
    expect(await world.runUntil(() => allSent(b, 100))).toBe(true);
    expectExactlyOnceUnderLease(world, 100);
    // A comes back: it takes nothing over while B's result says there is nothing left.
    a.offline = false;
    await world.runFor(2 * 60_000);
    expect(world.mailbox.deliveries().size).toBe(100);
    expect(world.sends).toHaveLength(100);
  });

  it('B resumes what A paused: A gave the lease back at once, B continues from A’s progress', async () => {
    const world = new World();
    await world.seed(10);
    const a = world.device('A');
    await a.boot();
    expect(await world.runUntil(() => world.sends.length >= 4)).toBe(true);
    a.controller.pause();
    const pausedAt = world.clock.now();
    await world.runFor(5_000);
    expect(world.leases.holder('c-two-devices')).toBeNull();
    const b = world.device('B');
    await b.boot();
    expect(b.status()).toBe('paused');
    b.controller.resume();
    expect(await world.runUntil(() => allSent(b, 10))).toBe(true);
    expectExactlyOnceUnderLease(world, 10);
    const bSends = world.sends.filter((s) => s.device === 'B');
    expect(bSends.length).toBe(10 - world.sends.filter((s) => s.device === 'A').length);
    expect(bSends[0]!.at - pausedAt).toBeLessThan(LEASE_SECONDS * 1000);
  });

  it('control: without the lease the same two panes deliver twice (the scenario can fail)', async () => {
    const world = new World();
    await world.seed(6);
    const a = world.device('A');
    const b = world.device('B');
    a.useLease = false;
    b.useLease = false;
    await a.boot();
    await b.boot();
    await world.runUntil(() => allSent(a, 6) && allSent(b, 6), 10 * 60_000);
    expect(Math.max(...world.mailbox.deliveries().values())).toBeGreaterThan(1);
  });

  it('random crashes, reloads, pauses and outages on both devices: every prospect gets exactly one message', async () => {
    type Step =
      | { at: number; kind: 'crash' | 'boot' | 'close' | 'pause' | 'resume'; device: 0 | 1 }
      | { at: number; kind: 'offline' | 'lease-blocked'; device: 0 | 1; forMs: number };
    const step = fc.oneof(
      fc.record({
        at: fc.integer({ min: 0, max: 120_000 }),
        kind: fc.constantFrom('crash', 'boot', 'close', 'pause', 'resume'),
        device: fc.constantFrom(0 as const, 1 as const),
      }),
      fc.record({
        at: fc.integer({ min: 0, max: 120_000 }),
        kind: fc.constantFrom('offline', 'lease-blocked'),
        device: fc.constantFrom(0 as const, 1 as const),
        forMs: fc.integer({ min: 1_000, max: 90_000 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 12 }),
        fc.array(step, { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.constantFrom(...GRAPH_FAULTS), { maxLength: 12 }),
        async (n, steps, bothAtStart, faults) => {
          const world = new World();
          world.mailbox.faults = (i) => faults[i] ?? 'none';
          await world.seed(n);
          const devices = [world.device('A'), world.device('B')] as const;
          await devices[0].boot();
          if (bothAtStart) await devices[1].boot();
          const plan = [...steps].sort((x, y) => x.at - y.at) as Step[];
          const start = world.clock.now();
          for (const s of plan) {
            const wait = start + s.at - world.clock.now();
            if (wait > 0) await world.runFor(wait);
            const d = devices[s.device];
            switch (s.kind) {
              case 'crash':
                d.crash();
                break;
              case 'close':
                d.close();
                break;
              case 'boot':
                if (!d.alive) await d.boot();
                break;
              case 'pause':
                if (d.alive) d.controller.pause();
                break;
              case 'resume':
                if (d.alive) d.controller.resume();
                break;
              case 'offline':
              case 'lease-blocked': {
                const flag = s.kind === 'offline' ? 'offline' : 'leaseBlocked';
                d[flag] = true;
                void world.clock.sleep(s.forMs).then(() => (d[flag] = false));
                break;
              }
            }
          }
          // Afterwards the recruiter opens B (again) and resumes if it was paused.
          await world.runFor(90_000);
          for (const d of devices) {
            d.offline = false;
            d.leaseBlocked = false;
          }
          const b = devices[1];
          // Opened while offline on a device without a copy, B started a new campaign: open this one.
          if (b.status() === 'editing') b.close();
          if (!b.alive) {
            b.pointer.set('current', CAMPAIGN_ID);
            await b.boot();
          }
          await world.runFor(2 * 60_000);
          if (b.status() === 'paused') b.controller.resume();
          // Not found in Sent Items after the full wait (10 min each time, maybe several times in a
          // row with Graph faults): the recruiter chooses to send those again.
          const done = await world.runUntil(() => {
            if (b.recipients().some((r) => r.state === 'uncertain' && r.uncertain?.awaitingDecision))
              b.controller.decideAll('resend');
            return allSent(b, n);
          }, 120 * 60_000);
          const deliveries = world.mailbox.deliveries();
          for (const [address, count] of deliveries) expect(count, address).toBeLessThanOrEqual(1);
          for (const send of world.sends)
            expect(send.holder, `${send.address} sent by ${send.device}`).toBe(`device-${send.device}`);
          expect(done, `B finished: ${JSON.stringify(b.recipients().map((r) => r.state))}`).toBe(true);
          expect(deliveries.size).toBe(n);
          for (const d of devices) d.close();
        },
      ),
      { numRuns: 40 },
    );
  }, 180_000);
});
