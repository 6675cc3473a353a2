import { describe, expect, it } from 'vitest';
import type { MailHeaderRecord } from '../../../src/core/mail';
import type { TrackedCampaign } from '../../../src/core/replies/ports';
import { syncReplies, type ReplySyncDeps } from '../../../src/core/replies/sync';
import type { RecipientRecord } from '../../../src/core/send';
import { ManualClock } from '../../../src/shared/clock';
import { FakeBackend, FakeCampaigns, FakeReplyMailbox, MemoryCursors } from './fake-reply-mailbox';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** A sent record of step `step` (1: id = prospect id; later: `${prospect}#${step}`, threaded on the previous). */
function sent(prospect: string, address: string, step: number, at: number, copy?: string): RecipientRecord {
  const id = step === 1 ? prospect : `${prospect}#${step}`;
  const r: RecipientRecord = {
    id,
    address,
    state: 'sent',
    attempts: 1,
    attempt: {
      sendId: `attempt-${id}`,
      startedAt: at,
      subject: step === 1 ? 'Role at Acme' : 'RE: Role at Acme',
    },
    sentAt: at,
    confirmedBy: 'accepted',
    sentItemId: copy ? `sent-${id}` : null,
    failure: null,
    uncertain: null,
  };
  if (copy) {
    r.conversationId = copy;
    r.internetMessageId = `<${id.toUpperCase()}@contoso.com>`;
  }
  if (step > 1) {
    r.step = step;
    r.prospectId = prospect;
    r.threadOf = step === 2 ? prospect : `${prospect}#${step - 1}`;
    r.threading = { how: 'reply' };
  }
  return r;
}

function setup(recipients: RecipientRecord[], now: number) {
  const clock = new ManualClock(now);
  const mailbox = new FakeReplyMailbox();
  const campaign: TrackedCampaign = {
    campaignId: 'camp',
    status: 'running',
    stopReason: null,
    recipients,
    backendSends: Object.fromEntries(recipients.map((r) => [`attempt-${r.id}`, `b-${r.id}`])),
  };
  const campaigns = new FakeCampaigns([campaign], () => clock.now());
  const backend = new FakeBackend();
  const deps: ReplySyncDeps = {
    mailbox,
    campaigns,
    cursors: new MemoryCursors(),
    upload: backend.upload,
    clock,
  };
  return { clock, mailbox, campaigns, backend, deps };
}

const responses = (campaigns: FakeCampaigns) =>
  Object.fromEntries(
    campaigns.campaigns[0]!.recipients.filter((r) => r.response).map((r) => [r.id, r.response!.kind]),
  );

describe('reply sync with follow-ups', () => {
  it('records a reply that arrives between step 2 and step 3 on step 2, and uploads it under step 2’s send', async () => {
    const { mailbox, campaigns, backend, deps } = setup(
      [
        sent('ana', 'ana@example.org', 1, T0, 'conv-ana'),
        sent('ana', 'ana@example.org', 2, T0 + 2 * DAY, 'conv-ana'),
        sent('ben', 'ben@example.net', 1, T0 + MIN, 'conv-ben'),
      ],
      T0 + 3 * DAY,
    );
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 2 * DAY + 3 * 60 * MIN),
      headers: [{ name: 'In-Reply-To', value: '<ANA@contoso.com>' }],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ 'ana#2': 'replied' });
    expect([...backend.rows.values()].map((r) => [r.sendId, r.payload.kind])).toEqual([['b-ana#2', 'reply']]);
  });

  it('credits step 2 with a reply that came before step 2’s 202 was stamped (a slow answer from Graph)', async () => {
    // Step 2's request left at +2 days; Graph's 202 reached the pane (and stamped sentAt) an hour
    // later; the prospect answered step 2 in between. No answer can predate the request itself.
    const step2 = sent('ana', 'ana@example.org', 2, T0 + 2 * DAY, 'conv-ana');
    step2.sentAt = T0 + 2 * DAY + 60 * MIN;
    const { mailbox, campaigns, backend, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), step2],
      T0 + 3 * DAY,
    );
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 2 * DAY + 20 * MIN),
      headers: [],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ 'ana#2': 'replied' });
    expect([...backend.rows.values()].map((r) => r.sendId)).toEqual(['b-ana#2']);
  });

  it('credits step 2 with a reply while step 2 is still uncertain (not yet found in Sent Items)', async () => {
    const step2 = sent('ana', 'ana@example.org', 2, T0 + 2 * DAY);
    step2.state = 'uncertain';
    step2.sentAt = null;
    step2.confirmedBy = null;
    step2.uncertain = {
      reason: 'timeout',
      since: T0 + 2 * DAY,
      nextCheckAt: T0 + 3 * DAY,
      awaitingDecision: false,
    };
    const { mailbox, campaigns, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), step2],
      T0 + 2 * DAY + 60 * MIN,
    );
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 2 * DAY + 20 * MIN),
      headers: [],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ 'ana#2': 'replied' });
  });

  it('credits step 2 with a reply read after step 2 went out during the same round', async () => {
    // The round listed the campaigns while step 2 was still in flight; by the time the Inbox was
    // read, step 2 had gone and been answered.
    const step2 = sent('ana', 'ana@example.org', 2, T0 + 2 * DAY, 'conv-ana');
    const { mailbox, campaigns, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), step2],
      T0 + 2 * DAY + 60 * MIN,
    );
    let lists = 0;
    const list = campaigns.list.bind(campaigns);
    campaigns.list = async () => {
      const now = await list();
      if (lists++ === 0) {
        const r = now[0]!.recipients.find((x) => x.id === 'ana#2')!;
        r.state = 'sending';
        r.sentAt = null;
      }
      return now;
    };
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<reply-ana@example.org>',
      subject: 'RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 2 * DAY + 20 * MIN),
      headers: [],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ 'ana#2': 'replied' });
  });

  it('records a bounce of step 1 on step 1', async () => {
    const { mailbox, campaigns, backend, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), sent('ben', 'ben@example.net', 1, T0 + MIN)],
      T0 + 30 * MIN,
    );
    mailbox.deliver('inbox', {
      conversationId: 'ndr-1',
      internetMessageId: '<ndr-1@contoso.com>',
      subject: 'Undeliverable: Role at Acme',
      from: { address: 'postmaster@contoso.com', name: 'Microsoft Outlook' },
      receivedDateTime: iso(T0 + 3 * MIN),
      headers: [
        { name: 'X-Failed-Recipients', value: 'ben@example.net' },
        { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
        { name: 'Content-Type', value: 'multipart/report; report-type=delivery-status' },
      ],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ ben: 'bounced' });
    expect([...backend.rows.values()].map((r) => r.sendId)).toEqual(['b-ben']);
  });

  it('records an out-of-office answer to step 2 on step 2', async () => {
    const { mailbox, campaigns, deps } = setup(
      [
        sent('ana', 'ana@example.org', 1, T0, 'conv-ana'),
        sent('ana', 'ana@example.org', 2, T0 + 2 * DAY, 'conv-ana'),
      ],
      T0 + 2 * DAY + 10 * MIN,
    );
    mailbox.deliver('inbox', {
      conversationId: 'conv-ana',
      internetMessageId: '<ooo-ana@example.org>',
      subject: 'Automatic reply: RE: Role at Acme',
      from: { address: 'ana@example.org' },
      receivedDateTime: iso(T0 + 2 * DAY + MIN),
      headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }],
    });
    await syncReplies(deps);
    expect(responses(campaigns)).toEqual({ 'ana#2': 'out-of-office' });
  });
});

describe('Sent Items copies of follow-ups', () => {
  const copy = (id: string, subject: string, conversationId: string, at: number): MailHeaderRecord => ({
    id,
    conversationId,
    internetMessageId: `<${id}@contoso.com>`,
    subject,
    toRecipients: [{ address: 'ana@example.org' }],
    sentDateTime: iso(at),
  });

  it('gives each of two follow-ups looked for in one round its own "RE:" copy', async () => {
    const step2 = sent('ana', 'ana@example.org', 2, T0 + 10 * MIN);
    const step3 = sent('ana', 'ana@example.org', 3, T0 + 20 * MIN);
    const { mailbox, campaigns, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), step2, step3],
      T0 + 25 * MIN,
    );
    // Newest first, as Sent Items lists them.
    mailbox.sentItems.push(
      copy('copy-3', 'RE: Role at Acme', 'conv-ana', T0 + 20 * MIN + 20_000),
      copy('copy-2', 'RE: Role at Acme', 'conv-ana', T0 + 10 * MIN + 20_000),
    );
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana#2')).toMatchObject({
      sentItemId: 'copy-2',
      conversationId: 'conv-ana',
    });
    expect(campaigns.recipient('camp', 'ana#3')).toMatchObject({
      sentItemId: 'copy-3',
      conversationId: 'conv-ana',
    });
  });

  it('finds a threaded follow-up whose copy Exchange titled in the mailbox’s language', async () => {
    const { mailbox, campaigns, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), sent('ana', 'ana@example.org', 2, T0 + DAY)],
      T0 + DAY + 5 * MIN,
    );
    mailbox.sentItems.push(
      copy('elsewhere', 'AW: Role at Acme', 'conv-other', T0 + DAY + MIN),
      copy('copy-2', 'AW: Role at Acme', 'conv-ana', T0 + DAY + MIN),
    );
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana#2')).toMatchObject({ sentItemId: 'copy-2' });
  });

  it('finds a follow-up sent as a new message (its own conversation) by its exact subject', async () => {
    const fallback = sent('ana', 'ana@example.org', 2, T0 + DAY);
    fallback.threading = { how: 'new-message', reason: 'The first message was deleted from Sent Items.' };
    const { mailbox, campaigns, deps } = setup(
      [sent('ana', 'ana@example.org', 1, T0, 'conv-ana'), fallback],
      T0 + DAY + 5 * MIN,
    );
    mailbox.sentItems.push(copy('copy-2', 'RE: Role at Acme', 'conv-new', T0 + DAY + MIN));
    await syncReplies(deps);
    expect(campaigns.recipient('camp', 'ana#2')).toMatchObject({
      sentItemId: 'copy-2',
      conversationId: 'conv-new',
    });
  });
});
