import { describe, expect, it } from 'vitest';
import { createGraph } from '../../src/graph';
import { setup, USER } from './harness';

const HOUR = 3_600_000;

/**
 * Contract check: Candor's real Graph boundary (src/graph, on the stock Graph SDK) against the
 * emulator, through the emulator's fetch. If either side drifts from Graph's contract, this breaks.
 */
describe('src/graph against the mailbox emulator', () => {
  async function wired() {
    const env = await setup({ ambientMailEveryMs: HOUR, internetMessageHeadersUnderReadBasic: 'returned' });
    const graph = createGraph({
      fetch: env.emulator.fetchFn,
      clock: env.clock,
      getAccessToken: () => env.issuer.mintGraphToken(USER),
      random: () => 0.5,
    });
    return { ...env, graph };
  }

  it('sends, finds the Sent Items copy, and matches the reply by conversationId through Inbox delta', async () => {
    const { graph, clock } = await wired();
    const since = new Date(clock.now()).toISOString();
    expect(
      await graph.sendMail({
        to: { address: 'ana+reply@example.org' },
        subject: 'Role',
        html: '<p>Hi</p>',
        headers: { 'x-candor': '1' },
      }),
    ).toEqual({
      kind: 'accepted',
    });
    await clock.advance(HOUR);
    const [sent] = await graph.listSentSince(since);
    expect(sent!.subject).toBe('Role');
    const delta = await graph.mailFolderDelta('inbox', { receivedSince: since });
    const reply = delta.messages.find((m) => m.conversationId === sent!.conversationId);
    expect(reply?.subject).toBe('RE: Role');
    expect(delta.messages.length).toBeGreaterThan(1);
    const headers = await graph.getInternetHeaders(reply!.id);
    expect(headers.status === 'ok' && headers.headers.find((h) => h.name === 'In-Reply-To')?.value).toBe(
      sent!.internetMessageId,
    );
  });

  it('restarts a delta whose token Graph forgot (400 syncStateNotFound by default), and reports a 503 after acceptance as unknown', async () => {
    const { graph, emulator, clock } = await wired();
    const since = new Date(clock.now() - 7 * 24 * HOUR).toISOString();
    const first = await graph.mailFolderDelta('inbox', { receivedSince: since });
    emulator.expireDeltaTokens();
    const again = await graph.mailFolderDelta('inbox', { deltaLink: first.deltaLink, receivedSince: since });
    expect(again.restarted).toBe(true);
    emulator.injectFault('503-after-accept');
    expect(
      (await graph.sendMail({ to: { address: 'c+silent@example.org' }, subject: 'x', html: 'x' })).kind,
    ).toBe('unknown');
    await clock.advance(100_000);
    expect(emulator.sentItems(USER.oid)).toHaveLength(1);
  });
});
