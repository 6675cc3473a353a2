import { describe, expect, it } from 'vitest';
import type { TrackedCampaign } from '../../../src/core/replies/ports';
import { syncReplies, type ReplySyncDeps } from '../../../src/core/replies/sync';
import type { RecipientRecord } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { FakeBackend, FakeCampaigns, FakeReplyMailbox, MemoryCursors } from './fake-reply-mailbox';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function sent(id: string, address: string, startedAt: number, subject = 'Role at Acme'): RecipientRecord {
  return {
    id,
    address,
    state: 'sent',
    attempts: 1,
    attempt: { sendId: `attempt-${id}`, startedAt, subject },
    sentAt: startedAt,
    confirmedBy: 'accepted',
    sentItemId: null,
    failure: null,
    uncertain: null,
  };
}

function setup() {
  const clock = new ManualClock(T0);
  const mailbox = new FakeReplyMailbox();
  const campaign: TrackedCampaign = {
    campaignId: 'camp',
    status: 'running',
    stopReason: null,
    recipients: [sent('ana', 'ana@example.org', T0), sent('ben', 'ben@example.net', T0 + MIN)],
    backendSends: { 'attempt-ana': 'b-ana', 'attempt-ben': 'b-ben' },
  };
  const campaigns = new FakeCampaigns([campaign], () => clock.now());
  const cursors = new MemoryCursors();
  const backend = new FakeBackend();
  const deps: ReplySyncDeps = { mailbox, campaigns, cursors, upload: backend.upload, clock };
  // Exchange's clock is 5 minutes behind the pane's: the copy says it was sent before we started.
  const anaCopy = {
    id: 'sent-ana',
    conversationId: 'conv-ana',
    internetMessageId: '<ANA-1@contoso.com>',
    subject: 'Role at Acme',
    toRecipients: [{ address: 'Ana@Example.org' }],
    sentDateTime: iso(T0 - 5 * MIN),
  };
  return { clock, mailbox, campaigns, cursors, backend, deps, anaCopy };
}

const replyHeaders = (inReplyTo: string) => [
  { name: 'In-Reply-To', value: inReplyTo },
  { name: 'X-Forefront-Antispam-Report', value: 'CIP:203.0.113.7;CTRY:US;SFV:NSPM;' },
];

describe('reply sync: Sent Items copies', () => {
  it('records a late copy despite a clock several minutes off, and gives up after 30 minutes', async () => {
    const { clock, mailbox, campaigns, deps, anaCopy } = setup();
    await clock.advance(2 * MIN);
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana')?.conversationId).toBeUndefined();

    // The copy lands 10 minutes late.
    mailbox.sentItems.push(anaCopy);
    await clock.advance(10 * MIN);
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana')).toMatchObject({
      conversationId: 'conv-ana',
      internetMessageId: '<ANA-1@contoso.com>',
      sentItemId: 'sent-ana',
    });
    expect(campaigns.recipient('camp', 'ben')?.copySearchEndedAt).toBeUndefined();

    await clock.advance(30 * MIN);
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ben')?.copySearchEndedAt).toBe(clock.now());
    expect(campaigns.recipient('camp', 'ben')?.conversationId).toBeUndefined();
  });

  it('confirms an uncertain send whose copy turns up', async () => {
    const { clock, mailbox, campaigns, deps, anaCopy } = setup();
    const ana = campaigns.recipient('camp', 'ana') as RecipientRecord;
    Object.assign(ana, {
      state: 'uncertain',
      sentAt: null,
      confirmedBy: null,
      uncertain: { reason: 'timeout', since: T0, nextCheckAt: T0 + MIN, awaitingDecision: true },
    });
    mailbox.sentItems.push(anaCopy);
    await clock.advance(20 * MIN);
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana')).toMatchObject({
      state: 'sent',
      confirmedBy: 'sent-items',
      conversationId: 'conv-ana',
    });
  });
});

describe('reply sync: inbox', () => {
  it('uploads a matched reply with its metadata and never anything unmatched', async () => {
    const { clock, mailbox, deps, backend, anaCopy } = setup();
    mailbox.sentItems.push(anaCopy);
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: replyHeaders('<ANA-1@contoso.com>'),
    });
    const strangers = [
      { subject: 'Team lunch', from: 'colleague@contoso.com' },
      { subject: 'RE: Role at Acme', from: 'someone.else@example.com' },
      { subject: 'Newsletter: January', from: 'news@vendor.example' },
      { subject: 'Read: Role at Acme', from: 'ana@example.org' },
      { subject: 'Undeliverable: Something we did not send', from: 'postmaster@contoso.com' },
    ];
    for (const [i, s] of strangers.entries())
      mailbox.deliver(i % 2 ? 'junkemail' : 'inbox', {
        conversationId: `other-${i}`,
        internetMessageId: `<other-${i}@x>`,
        subject: s.subject,
        from: { address: s.from },
        receivedDateTime: iso(T0 + 20 * MIN),
        headers: [{ name: 'X-Forefront-Antispam-Report', value: 'CIP:198.51.100.9;' }],
      });
    await clock.advance(40 * MIN);
    const report = await syncReplies(deps);

    expect([...backend.rows.values()]).toEqual([
      {
        sendId: 'b-ana',
        replyId: '<reply-ana@example.org>',
        payload: {
          subject: 'RE: Role at Acme',
          from: 'ana@example.org',
          receivedAt: T0 + 30 * MIN,
          ip: '203.0.113.7',
          kind: 'reply',
          confidence: 'high',
          matchedBy: 'conversation',
          statusCode: null,
        },
      },
    ]);
    const uploaded = JSON.stringify(backend.requests);
    for (const s of strangers)
      expect(uploaded).not.toContain(s.from === 'ana@example.org' ? 'Read:' : s.from);
    expect(uploaded).not.toContain('198.51.100.9');
    expect(report.dropped).toBe(strangers.length);
    // Headers were asked for the reply and the postmaster message only, never for colleagues' mail.
    expect(mailbox.headerRequests).toHaveLength(2);
  });

  it('counts a reply once after it is read, flagged and moved to another folder', async () => {
    const { clock, mailbox, deps, backend, anaCopy } = setup();
    mailbox.sentItems.push(anaCopy);
    const reply = mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: replyHeaders('<ANA-1@contoso.com>'),
    });
    await clock.advance(40 * MIN);
    await syncReplies(deps);
    mailbox.touch('inbox', reply.id);
    await clock.advance(5 * MIN);
    await syncReplies(deps);
    const moved = mailbox.move(reply.id, 'inbox', 'junkemail');
    expect(moved.id).not.toBe(reply.id);
    await clock.advance(5 * MIN);
    await syncReplies(deps);

    expect(backend.requests.length).toBeGreaterThanOrEqual(2);
    expect(backend.rows.size).toBe(1);
  });

  it.each(['inline', 'fetch', 'forbidden'] as const)(
    'matches by conversation whether headers are %s',
    async (mode) => {
      const { clock, mailbox, deps, backend, anaCopy } = setup();
      mailbox.headersMode = mode;
      mailbox.sentItems.push(anaCopy);
      mailbox.deliver('inbox', {
        conversationId: 'conv-ana',
        internetMessageId: '<reply-ana@example.org>',
        subject: 'RE: Role at Acme',
        from: { address: 'ana@example.org' },
        receivedDateTime: iso(T0 + 30 * MIN),
        headers: replyHeaders('<ANA-1@contoso.com>'),
      });
      await clock.advance(40 * MIN);
      const report = await syncReplies(deps);
      const [row] = backend.rows.values();
      expect(row?.payload.matchedBy).toBe('conversation');
      expect(row?.payload.ip).toBe(mode === 'forbidden' ? null : '203.0.113.7');
      expect(report.headersUnavailable).toBe(mode === 'forbidden');
    },
  );

  it('scopes the first sync to the oldest send minus the clock allowance, then follows the delta link', async () => {
    const { clock, mailbox, deps, cursors } = setup();
    await clock.advance(MIN);
    await syncReplies(deps);
    expect(mailbox.deltaCalls.map((c) => [c.folder, c.state])).toEqual([
      ['inbox', { receivedSince: iso(T0 - 15 * MIN) }],
      ['junkemail', { receivedSince: iso(T0 - 15 * MIN) }],
    ]);
    await syncReplies(deps);
    expect(mailbox.deltaCalls.slice(2).map((c) => c.state)).toEqual([
      { deltaLink: cursors.saved.get('inbox')?.deltaLink },
      { deltaLink: cursors.saved.get('junkemail')?.deltaLink },
    ]);
  });

  it('keeps the cursor when the upload fails, so the next round uploads the reply', async () => {
    const { clock, mailbox, deps, backend, cursors, anaCopy } = setup();
    mailbox.sentItems.push(anaCopy);
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    await clock.advance(40 * MIN);
    backend.failNext = true;
    await expect(syncReplies(deps)).rejects.toThrow('network down');
    expect(cursors.saved.size).toBe(0);
    await syncReplies(deps);
    expect(backend.rows.size).toBe(1);
  });
});

describe('reply sync: sends without a backend id', () => {
  it('registers one for a reply to an untracked send; if that fails, the round is redone later', async () => {
    const { clock, mailbox, campaigns, cursors, deps, backend } = setup();
    delete campaigns.campaigns[0]!.backendSends['attempt-ben'];
    campaigns.failRegistration = true;
    mailbox.deliver('inbox', {
      conversationId: 'c1',
      subject: 'RE: Role at Acme',
      from: { address: 'ben@example.net' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    await clock.advance(40 * MIN);
    await expect(syncReplies(deps)).rejects.toThrow('unreachable');
    expect(backend.rows.size).toBe(0);
    expect(cursors.saved.size).toBe(0);
    // The stop rule does not wait for the backend.
    expect(campaigns.recipient('camp', 'ben')?.response?.kind).toBe('replied');

    campaigns.failRegistration = false;
    const report = await syncReplies(deps);
    expect(report.registered).toBe(1);
    expect([...backend.rows.values()].map((r) => r.sendId)).toEqual(['late-attempt-ben']);
  });
});

describe('reply sync: the stop rule', () => {
  it('marks replied, bounced and out-of-office prospects in the campaign state', async () => {
    const { clock, mailbox, campaigns, deps } = setup();
    campaigns.campaigns[0]?.recipients.push(sent('cy', 'cy@example.com', T0 + 2 * MIN, 'Cy, a role'));
    campaigns.campaigns[0]!.backendSends['attempt-cy'] = 'b-cy';
    mailbox.deliver('inbox', {
      conversationId: 'c1',
      subject: 'AW: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 30 * MIN),
      headers: [],
    });
    mailbox.deliver('inbox', {
      conversationId: 'c2',
      subject: 'Undeliverable: ben@example.net',
      from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' },
      receivedDateTime: iso(T0 + 3 * MIN),
      headers: [{ name: 'Diagnostic-Code', value: 'smtp; 550 5.1.1 user unknown' }],
    });
    mailbox.deliver('junkemail', {
      conversationId: 'c3',
      subject: 'Automatische Antwort: Cy, a role',
      from: { address: 'cy@example.com' },
      receivedDateTime: iso(T0 + 4 * MIN),
      headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }],
    });
    await clock.advance(40 * MIN);
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana')?.response).toEqual({ kind: 'replied', at: T0 + 30 * MIN });
    expect(campaigns.recipient('camp', 'ben')?.response).toEqual({ kind: 'bounced', at: T0 + 3 * MIN });
    expect(campaigns.recipient('camp', 'cy')?.response).toEqual({ kind: 'out-of-office', at: T0 + 4 * MIN });
    expect(campaigns.campaigns[0]?.status).toBe('running');
  });

  it('stops a running campaign on a bounce that says the sender is blocked, without marking the prospect', async () => {
    const { clock, mailbox, campaigns, deps, backend } = setup();
    mailbox.deliver('inbox', {
      conversationId: 'c9',
      subject: 'Undeliverable: ben@example.net',
      from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' },
      receivedDateTime: iso(T0 + 3 * MIN),
      headers: [
        { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
        {
          name: 'Diagnostic-Code',
          value: 'smtp; 550 5.7.233 Tenant exceeded its external recipient rate limit',
        },
      ],
    });
    await clock.advance(10 * MIN);
    const report = await syncReplies(deps);
    expect(campaigns.campaigns[0]?.status).toBe('stopped');
    expect(campaigns.campaigns[0]?.stopReason?.message).toMatch(/daily limit/);
    expect(report.stopped).toHaveLength(1);
    expect(campaigns.recipient('camp', 'ben')?.response).toBeUndefined();
    // Still shown in the report as a bounce with its code.
    expect([...backend.rows.values()][0]?.payload).toMatchObject({ kind: 'bounce', statusCode: '5.7.233' });
  });

  it('does not stop again for an old sender-side bounce read again after a full resync', async () => {
    const { clock, mailbox, campaigns, deps } = setup();
    mailbox.deliver('inbox', {
      conversationId: 'c9',
      subject: 'Undeliverable: ben@example.net',
      from: { address: 'postmaster@contoso.com' },
      receivedDateTime: iso(T0 + 3 * MIN),
      headers: [{ name: 'Diagnostic-Code', value: '550 5.1.8 Access denied' }],
    });
    await clock.advance(12 * 3_600_000);
    const report = await syncReplies(deps);
    expect(report.stopped).toEqual([]);
    expect(campaigns.campaigns[0]?.status).toBe('running');
  });
});
