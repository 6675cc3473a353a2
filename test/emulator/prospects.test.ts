import { describe, expect, it } from 'vitest';
import { defaultBehaviour, TAG_DELAYS } from '../../src/emulator/mailbox';
import { setup, USER } from './harness';

const DAY = 24 * 3_600_000;

function header(
  m: { internetMessageHeaders?: { name: string; value: string }[] },
  name: string,
): string | undefined {
  return m.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

describe('simulated prospects', () => {
  it('a reply arrives after its delay, in our conversation, with In-Reply-To, References and a documentation IP', async () => {
    const { send, clock, emulator } = await setup({ transportDelayMs: 1000 });
    await send('ana.lima+reply@example.org', 'Role at Contoso');
    await clock.advance(1000 + TAG_DELAYS.reply - 1);
    expect(emulator.inbox(USER.oid)).toHaveLength(0);
    await clock.advance(1);
    const [reply] = emulator.inbox(USER.oid);
    const ours = emulator.sentItems(USER.oid)[0]!;
    expect(reply!.subject).toBe('RE: Role at Contoso');
    expect(reply!.conversationId).toBe(ours.conversationId);
    expect(reply!.from.emailAddress).toEqual({ name: 'Ana Lima', address: 'ana.lima+reply@example.org' });
    expect(header(reply!, 'In-Reply-To')).toBe(ours.internetMessageId);
    expect(header(reply!, 'References')).toContain(ours.internetMessageId);
    const cip = /CIP:([\d.]+);/.exec(header(reply!, 'X-Forefront-Antispam-Report') ?? '')?.[1];
    expect(cip).toMatch(/^(203\.0\.113|198\.51\.100)\.\d+$/);
    expect(
      reply!.internetMessageHeaders!.some((h) => h.name === 'Received' && h.value.includes(`(${cip})`)),
    ).toBe(true);
    expect(reply!.internetMessageHeaders!.some((h) => h.name.startsWith('X-MS-Exchange-Organization-'))).toBe(
      true,
    );
    expect(Date.parse(reply!.receivedDateTime)).toBeGreaterThan(Date.parse(ours.sentDateTime));
  });

  it('+reply-late answers days later; +silent never does', async () => {
    const { send, clock, emulator } = await setup();
    await send('bo+reply-late@example.org', 'Late');
    await send('cy+silent@example.org', 'Silent');
    await clock.advance(2 * DAY);
    expect(emulator.inbox(USER.oid)).toHaveLength(0);
    await clock.advance(2 * DAY);
    expect(emulator.inbox(USER.oid).map((m) => m.subject)).toEqual(['RE: Late']);
    await clock.advance(30 * DAY);
    expect(emulator.inbox(USER.oid)).toHaveLength(1);
  });

  it('a bounce is an NDR from the postmaster, threaded into our conversation (unless +unthreaded), pointing at ours', async () => {
    const { send, clock, emulator } = await setup();
    await send('dee+bounce@example.org', 'Hello');
    await send('fee+bounce+unthreaded@example.org', 'Hello');
    await clock.advance(10 * 60_000);
    const [unthreaded, ndr] = emulator.inbox(USER.oid);
    const [ours2, ours] = emulator.sentItems(USER.oid);
    expect(ndr!.subject).toBe('Undeliverable: Hello');
    expect(ndr!.from.emailAddress.name).toBe('Microsoft Outlook');
    expect(ndr!.from.emailAddress.address).toMatch(/^postmaster@/);
    expect(ndr!.conversationId).toBe(ours!.conversationId);
    expect(header(ndr!, 'In-Reply-To')).toBe(ours!.internetMessageId);
    expect(header(ndr!, 'X-MS-Exchange-Message-Is-Ndr')).toBe('');
    expect(header(ndr!, 'Content-Type')).toMatch(/^multipart\/report; report-type=delivery-status/);
    expect(unthreaded!.conversationId).not.toBe(ours2!.conversationId);
    expect(emulator.deliveries(USER.oid)).toHaveLength(0);
  });

  it('out of office answers "Automatic reply:" with Auto-Submitted', async () => {
    const { send, clock, emulator } = await setup();
    await send('eve+ooo@example.org', 'Hello');
    await clock.advance(10 * 60_000);
    const [ooo] = emulator.inbox(USER.oid);
    expect(ooo!.subject).toBe('Automatic reply: Hello');
    expect(header(ooo!, 'Auto-Submitted')).toBe('auto-replied');
  });

  it('unrelated mail keeps arriving that answers nothing of ours', async () => {
    const { send, clock, emulator } = await setup({ ambientMailEveryMs: 3_600_000 });
    const before = emulator.inbox(USER.oid).length;
    expect(before).toBeGreaterThan(0);
    await send('fay+silent@example.org', 'Hello');
    await clock.advance(5 * 3_600_000);
    const inbox = emulator.inbox(USER.oid);
    expect(inbox.length).toBe(before + 5);
    const ours = emulator.sentItems(USER.oid)[0]!;
    expect(
      inbox.every((m) => m.conversationId !== ours.conversationId && header(m, 'In-Reply-To') === undefined),
    ).toBe(true);
  });

  it('the default behaviour is a stable function of the address and honours tags', () => {
    const addresses = Array.from({ length: 400 }, (_, i) => `person${i}@example.org`);
    const kinds = addresses.map((a) => defaultBehaviour(a).kind);
    expect(addresses.map((a) => defaultBehaviour(a).kind)).toEqual(kinds);
    const share = (...k: string[]) => kinds.filter((x) => k.includes(x)).length / kinds.length;
    expect(share('reply', 'reply-new-subject', 'reply-other-address')).toBeGreaterThan(0.15);
    expect(share('reply-new-subject', 'reply-other-address')).toBeGreaterThan(0.02);
    expect(share('bounce')).toBeGreaterThan(0.03);
    expect(share('out-of-office', 'script')).toBeGreaterThan(0.02);
    expect(share('silent')).toBeGreaterThan(0.5);
    expect(defaultBehaviour('x+bounce@example.org').kind).toBe('bounce');
    expect(defaultBehaviour('X+OOO@example.org').kind).toBe('out-of-office');
    // Not all English: the default mix speaks several languages.
    const languages = new Set(
      addresses
        .map((a) => defaultBehaviour(a))
        .flatMap((b) => ('language' in b && b.language ? [b.language] : [])),
    );
    expect(languages.size).toBeGreaterThan(5);
  });

  it('uses a custom prospectBehaviour', async () => {
    const { send, clock, emulator } = await setup({
      prospectBehaviour: () => ({ kind: 'reply', delayMs: 5000 }),
    });
    await send('anyone@example.org', 'Hi');
    await clock.advance(10_000);
    expect(emulator.inbox(USER.oid)).toHaveLength(1);
  });
});
