import { describe, expect, it } from 'vitest';
import type { CampaignSnapshot } from '../../../src/core/campaign';
import type { ReplyUpload } from '../../../src/core/replies/ports';
import type { RecipientRecord } from '../../../src/core/send';
import type { OpenResult } from '../../../src/crypto/open-event';
import { simulatedTime } from '../../../src/shared/accelerated-clock';
import { ManualClock } from '../../../src/shared/clock';
import type { PersistedCampaign } from '../../../src/ui/campaign/runtime';
import type { LiveCampaign } from '../../../src/ui/results/campaign-state';
import { createResultsSource } from '../../../src/ui/results/results-source';
import { FakeReplyMailbox, MemoryCursors } from '../../core/replies/fake-reply-mailbox';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function recipient(id: string, address: string): RecipientRecord {
  return {
    id,
    address,
    state: 'sent',
    attempts: 1,
    attempt: { sendId: `a-${id}`, startedAt: T0, subject: 'Role at Acme' },
    sentAt: T0,
    confirmedBy: 'accepted',
    sentItemId: null,
    failure: null,
    uncertain: null,
    conversationId: `conv-${id}`,
    internetMessageId: `<${id}@contoso.com>`,
  };
}

function persisted(status: 'running' | 'finished' = 'finished'): PersistedCampaign {
  const snapshot: CampaignSnapshot = {
    version: 1,
    campaign: {
      id: 'camp',
      name: 'Backend engineers',
      template: { subject: 'Role at Acme', html: '<p>Hi</p>' },
      prospects: [
        { id: 'ana', row: 1, email: 'ana@example.org', fields: { Name: 'Ana Lima' }, trackOpens: true },
        { id: 'ben', row: 2, email: 'ben@example.net', fields: {}, trackOpens: true },
      ],
      fields: ['Name'],
      trackOpens: true,
      ratePerMinute: 10,
    },
    send: {
      version: 1,
      savedAt: T0,
      status,
      stopReason: null,
      pacer: { recent: [], pausedUntil: 0, throttleStreak: 0 },
      recipients: [recipient('ana', 'ana@example.org'), recipient('ben', 'ben@example.net')],
    },
  };
  return { version: 1, draft: null, snapshot, backendSends: { 'a-ana': 'b-ana', 'a-ben': 'b-ben' } };
}

/** The backend and this device's event store: uploaded replies come back on the next pull. */
function fakeTracking() {
  const server: ReplyUpload[] = [];
  let local: ReplyUpload[] = [];
  return {
    server,
    upload: async (replies: readonly ReplyUpload[]) => {
      for (const r of replies)
        if (!server.some((s) => s.sendId === r.sendId && s.replyId === r.replyId)) server.push(r);
    },
    events: {
      pull: async () => {
        local = [...server];
      },
      read: async (): Promise<OpenResult[]> =>
        local.map((r, i) => ({
          ok: true,
          kind: 'reply',
          eventId: `e${i}`,
          sendId: r.sendId,
          payload: r.payload,
        })),
    },
  };
}

function setup(
  options: {
    status?: 'running' | 'finished';
    live?: LiveCampaign | null;
    serverTime?: (ms: number) => number;
  } = {},
) {
  const clock = new ManualClock(T0 + 60 * MIN);
  const files = new Map<string, PersistedCampaign>([['camp', persisted(options.status)]]);
  const mailbox = new FakeReplyMailbox();
  const tracking = fakeTracking();
  let registrations = 0;
  const opens: string[] = [];
  const source = createResultsSource({
    files: {
      ids: async () => [...files.keys()].map((campaignId) => ({ campaignId, updatedAt: T0 })),
      open: async (id) => {
        opens.push(id);
        return structuredClone(files.get(id));
      },
      save: (id, value) => void files.set(id, structuredClone(value)),
    },
    live: async () => options.live ?? null,
    mailbox,
    cursors: new MemoryCursors(),
    events: tracking.events,
    upload: tracking.upload,
    registerSend: async (campaignId) => `late-${campaignId}-${++registrations}`,
    clock,
    serverTime: options.serverTime,
    everyMs: 5 * MIN,
  });
  return { clock, files, mailbox, tracking, source, opens };
}

describe('ResultsSource', () => {
  it('on the demo’s fast clock, judges opens (stamped by the backend’s wall clock) against simulated send times', async () => {
    // Sends were stamped at T0 on a clock running 120× from ANCHOR; the backend saw a person open
    // 30 real seconds after the send (an hour of simulated time), and stamped its wall clock.
    const scale = { factor: 120, anchor: T0 - 10 * MIN };
    const wallOfSend = scale.anchor + (T0 - scale.anchor) / scale.factor;
    const openedAtWall = wallOfSend + 30_000;
    const run = async (serverTime?: (ms: number) => number) => {
      const { tracking, source } = setup({ serverTime });
      const read = tracking.events.read;
      tracking.events.read = async () => [
        ...(await read()),
        {
          ok: true,
          kind: 'open',
          eventId: 'o1',
          sendId: 'b-ana',
          payload: { ip: '198.51.100.7', at: openedAtWall, verdict: 'human' },
        } as OpenResult,
      ];
      return (await source.load('camp'))?.opens;
    };
    expect(await run((ms) => simulatedTime(scale, ms))).toEqual([
      expect.objectContaining({ sendId: 'b-ana', verdict: 'human', at: T0 + 60 * MIN }),
    ]);
    // Unmapped, the wall-clock open lands before the simulated send and reads as a scanner's.
    expect((await run())?.[0]?.verdict).toBe('scanner');
  });

  it('lists sent campaigns and shows a reply after Refresh, with the prospect marked replied', async () => {
    const { mailbox, source, files } = setup();
    expect(await source.listCampaigns()).toEqual([
      { campaignId: 'camp', name: 'Backend engineers', startedAt: T0, updatedAt: T0 },
    ]);
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<r1@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    let notified = 0;
    source.subscribe(() => notified++);
    expect((await source.load('camp'))?.replies).toEqual([]);
    await source.sync();
    const results = await source.load('camp');
    expect(results?.replies).toEqual([
      expect.objectContaining({
        sendId: 'b-ana',
        kind: 'reply',
        from: 'ana@example.org',
        confidence: 'high',
      }),
    ]);
    expect(results?.syncedAt).toBe(T0 + 60 * MIN);
    expect(results?.notes.join(' ')).toMatch(/different address with a new subject/);
    expect(notified).toBe(1);
    expect(files.get('camp')?.snapshot?.send?.recipients[0]?.response).toEqual({
      kind: 'replied',
      at: T0 + 30 * MIN,
    });
  });

  it('leaves a campaign that another window is sending to that window', async () => {
    const { mailbox, source, files } = setup({ status: 'running' });
    const before = JSON.stringify(files.get('camp'));
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    mailbox.deliver('inbox', {
      conversationId: 'conv-ben',
      subject: 'Undeliverable: Role at Acme',
      from: { address: 'postmaster@contoso.com' },
      receivedDateTime: iso(T0 + 50 * MIN),
      headers: [{ name: 'Diagnostic-Code', value: '550 5.1.8 Access denied, bad outbound sender' }],
    });
    await source.sync();
    // Its engine (in the other window) holds newer progress than the saved copy: not overwritten.
    expect(JSON.stringify(files.get('camp'))).toBe(before);
    // The reply is still stored and shown.
    expect((await source.load('camp'))?.replies.map((r) => r.kind)).toEqual(['reply', 'bounce']);
  });

  it('routes notes and stops for the campaign open in this pane through its controller', async () => {
    const calls: string[] = [];
    const live: LiveCampaign = {
      liveCampaigns: () => [
        {
          campaignId: 'camp',
          status: 'running',
          stopReason: null,
          recipients: [recipient('ana', 'ana@example.org'), recipient('ben', 'ben@example.net')],
          backendSends: { 'a-ana': 'b-ana', 'a-ben': 'b-ben' },
        },
      ],
      annotate: (id, notes) => {
        calls.push(`annotate ${id} ${[...notes.keys()].join(',')}`);
        return true;
      },
      stopFor: (id, code) => {
        calls.push(`stop ${id} ${code}`);
        return true;
      },
      recordBackendSend: () => true,
    };
    const { mailbox, source, files } = setup({ status: 'running', live });
    const before = JSON.stringify(files.get('camp'));
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    mailbox.deliver('inbox', {
      conversationId: 'conv-ben',
      subject: 'Undeliverable: Role at Acme',
      from: { address: 'postmaster@contoso.com' },
      receivedDateTime: iso(T0 + 2 * MIN),
      headers: [{ name: 'Diagnostic-Code', value: '550 5.7.233 tenant limit' }],
    });
    await source.sync();
    expect(calls).toEqual(['stop camp bounce-5.7.233', 'annotate camp ana']);
    expect(JSON.stringify(files.get('camp'))).toBe(before);
  });

  it('reads every campaign the pane’s engines run (a sequence waiting on follow-ups), not only the current one', async () => {
    const followUp: RecipientRecord = {
      ...recipient('ana#2', 'ana@example.org'),
      step: 2,
      prospectId: 'ana',
      threadOf: 'ana',
      threading: { how: 'reply' },
      sentAt: T0 + 20 * MIN,
      attempt: { sendId: 'a-ana#2', startedAt: T0 + 20 * MIN, subject: 'RE: Role at Acme' },
      conversationId: 'conv-ana',
    };
    const annotated: string[] = [];
    const live: LiveCampaign = {
      liveCampaigns: () => [
        {
          campaignId: 'camp',
          status: 'running',
          stopReason: null,
          recipients: [recipient('ana', 'ana@example.org'), recipient('ben', 'ben@example.net'), followUp],
          backendSends: { 'a-ana': 'b-ana', 'a-ben': 'b-ben', 'a-ana#2': 'b-ana#2' },
        },
      ],
      annotate: (id, notes) => {
        annotated.push(`${id} ${[...notes.entries()].map(([k, n]) => `${k}:${n.response?.kind}`).join(',')}`);
        return true;
      },
      stopFor: () => true,
      recordBackendSend: () => true,
    };
    const { mailbox, source } = setup({ status: 'running', live });
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 40 * MIN),
      headers: [],
    });
    await source.sync();
    expect(annotated).toEqual(['camp ana#2:replied']);
    const results = await source.load('camp');
    expect(results?.prospects.map((p) => `${p.prospectId}/${p.step}`)).toEqual(['ana/1', 'ana/2', 'ben/1']);
    expect(results?.replies.map((r) => r.sendId)).toEqual(['b-ana#2']);
  });

  it('shows a reply from a prospect whose opens were not tracked, registering a send id for it', async () => {
    const { mailbox, source, files } = setup();
    const saved = files.get('camp');
    if (saved) saved.backendSends = { 'a-ana': 'b-ana' };
    mailbox.deliver('inbox', {
      conversationId: 'conv-ben',
      subject: 'RE: Role at Acme',
      from: { address: 'ben@example.net' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    await source.sync();
    expect(files.get('camp')?.backendSends).toEqual({ 'a-ana': 'b-ana', 'a-ben': 'late-camp-1' });
    const results = await source.load('camp');
    expect(results?.prospects.find((p) => p.prospectId === 'ben')?.sendId).toBe('late-camp-1');
    expect(results?.replies).toEqual([
      expect.objectContaining({ sendId: 'late-camp-1', from: 'ben@example.net' }),
    ]);
  });

  it('does not open (fetch and decrypt) an unchanged campaign again on every round', async () => {
    const { source, opens } = setup();
    await source.sync();
    await source.sync();
    await source.listCampaigns();
    expect(opens).toEqual(['camp']);
  });

  it('a failed Refresh rejects and says so in the notes; the next one recovers', async () => {
    const { mailbox, source } = setup();
    const original = mailbox.mailFolderDelta.bind(mailbox);
    mailbox.mailFolderDelta = async () => {
      throw new Error('Microsoft 365 could not be reached.');
    };
    await expect(source.sync()).rejects.toThrow('could not be reached');
    expect((await source.load('camp'))?.notes[0]).toMatch(
      /could not be checked just now: Microsoft 365 could not be reached/,
    );
    expect((await source.load('camp'))?.syncedAt).toBeNull();
    mailbox.mailFolderDelta = original;
    await source.sync();
    expect((await source.load('camp'))?.notes.join(' ')).not.toMatch(/could not be checked/);
  });

  it('syncs when started and every five minutes on the clock, until closed', async () => {
    const { clock, mailbox, source } = setup();
    source.start();
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(mailbox.deltaCalls).toHaveLength(2);
    await clock.advance(5 * MIN);
    await new Promise((r) => setTimeout(r, 0));
    expect(mailbox.deltaCalls).toHaveLength(4);
    source.close();
    await clock.advance(15 * MIN);
    await new Promise((r) => setTimeout(r, 0));
    expect(mailbox.deltaCalls).toHaveLength(4);
  });
});
