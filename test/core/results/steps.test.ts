import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { CampaignSnapshot } from '../../../src/core/campaign';
import type { RecipientRecord } from '../../../src/core/send';
import { buildCampaignResults, type OpenedResultEvent } from '../../../src/core/results/build';
import { reportCsv } from '../../../src/core/results/csv';
import { buildReport, timelineOf } from '../../../src/core/results/report';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function record(prospect: string, step: number, at: number | null, extra: Partial<RecipientRecord> = {}) {
  const id = step === 1 ? prospect : `${prospect}#${step}`;
  const r: RecipientRecord = {
    id,
    address: `${prospect}@example.org`,
    state: at === null ? 'queued' : 'sent',
    attempts: at === null ? 0 : 1,
    attempt: at === null ? null : { sendId: `a-${id}`, startedAt: at, subject: 'Role at Acme' },
    sentAt: at,
    confirmedBy: at === null ? null : 'accepted',
    sentItemId: null,
    failure: null,
    uncertain: null,
    ...extra,
  };
  if (step > 1)
    Object.assign(r, {
      step,
      prospectId: prospect,
      threadOf: step === 2 ? prospect : `${prospect}#${step - 1}`,
    });
  return r;
}

const names = ['ana', 'ben', 'cy', 'di', 'eve', 'fay'];
const recipients = [
  record('ana', 1, T0),
  record('ana', 2, T0 + 2 * DAY, {
    threading: { how: 'reply' },
    response: { kind: 'replied', at: T0 + 3 * DAY },
  }),
  record('ben', 1, T0, { response: { kind: 'bounced', at: T0 + 60_000 } }),
  record('cy', 1, T0, { response: { kind: 'out-of-office', at: T0 + HOUR } }),
  record('cy', 2, T0 + 9 * DAY, {
    threading: { how: 'new-message', reason: 'Your first message was no longer in Sent Items.' },
  }),
  record('cy', 3, T0 + 11 * DAY, { threading: { how: 'reply' } }),
  record('di', 1, T0),
  record('di', 2, null, { notBefore: T0 + 2 * DAY }),
  record('eve', 1, T0),
];

const campaign = {
  id: 'camp',
  name: 'Backend engineers',
  template: { subject: 'Role at Acme', html: '<p>Hi</p>' },
  prospects: names.map((n, i) => ({
    id: n,
    row: i + 1,
    email: `${n}@example.org`,
    fields: {},
    trackOpens: true,
  })),
  fields: [],
  trackOpens: true,
  ratePerMinute: 10,
  sequence: {
    followUps: [1, 2].map(() => ({
      template: { subject: '', html: '<p>Bump</p>' },
      delay: { amount: 2, unit: 'business-days' },
    })),
    window: null,
    outOfOffice: { action: 'delay', days: 7 },
    graceMinutes: 20,
  },
};
const send = {
  version: 1 as const,
  savedAt: T0,
  status: 'running' as const,
  stopReason: null,
  pacer: { recent: [], pausedUntil: 0, throttleStreak: 0 },
  recipients,
  stopped: { eve: { code: 'removed' as const, at: T0 + DAY } },
};
const snapshot = { version: 1, campaign, send } as CampaignSnapshot;

const message = (
  eventId: string,
  sendId: string,
  receivedAt: number,
  kind: 'reply' | 'bounce' | 'out-of-office',
): OpenedResultEvent => ({
  kind: 'reply',
  eventId,
  sendId,
  payload: {
    subject: 'RE: Role at Acme',
    from: 'x@example.org',
    receivedAt,
    ip: null,
    kind,
    confidence: 'high',
    matchedBy: 'conversation',
    statusCode: kind === 'bounce' ? '5.1.1' : null,
  },
});
const open = (
  eventId: string,
  sendId: string,
  at: number,
  verdict: 'human' | 'proxy',
): OpenedResultEvent => ({
  kind: 'open',
  eventId,
  sendId,
  payload: { ip: null, at, verdict },
});

const events: OpenedResultEvent[] = [
  open('o1', 'b-ana', T0 + HOUR, 'human'),
  open('o2', 'b-ana#2', T0 + 2 * DAY + HOUR, 'human'),
  message('r1', 'b-ana#2', T0 + 3 * DAY, 'reply'),
  message('r2', 'b-ben', T0 + 60_000, 'bounce'),
  message('r3', 'b-cy', T0 + HOUR, 'out-of-office'),
  open('o3', 'b-cy#2', T0 + 9 * DAY + HOUR, 'human'),
  open('o4', 'b-cy#3', T0 + 11 * DAY + HOUR, 'proxy'),
];

function report() {
  const results = buildCampaignResults({
    snapshot,
    backendSends: Object.fromEntries(recipients.map((r) => [`a-${r.id}`, `b-${r.id}`])),
    events,
    syncedAt: T0 + 12 * DAY,
    notes: [],
  });
  return { results, report: buildReport(results) };
}

describe('results of a sequence', () => {
  it('lists one send per prospect and step, with how each follow-up went out', () => {
    const { results } = report();
    expect(results.steps).toBe(3);
    expect(results.stopped).toEqual({ eve: { code: 'removed', at: T0 + DAY } });
    expect(results.prospects.map((p) => [p.prospectId, p.step, p.state, p.threading?.how ?? null])).toEqual([
      ['ana', 1, 'sent', null],
      ['ana', 2, 'sent', 'reply'],
      ['ben', 1, 'sent', null],
      ['cy', 1, 'sent', null],
      ['cy', 2, 'sent', 'new-message'],
      ['cy', 3, 'sent', 'reply'],
      ['di', 1, 'sent', null],
      ['di', 2, 'queued', null],
      ['eve', 1, 'sent', null],
      ['fay', 1, 'queued', null],
    ]);
  });

  it('counts sent, opened (by people), replied, bounced and out of office per step', () => {
    const { report: r } = report();
    expect(r.bySteps).toEqual([
      { step: 1, sent: 5, opened: 1, replied: 0, bounced: 1, outOfOffice: 1 },
      { step: 2, sent: 2, opened: 2, replied: 1, bounced: 0, outOfOffice: 0 },
      { step: 3, sent: 1, opened: 0, replied: 0, bounced: 0, outOfOffice: 0 },
    ]);
  });

  it('keeps the headline numbers per prospect', () => {
    const { report: r } = report();
    expect(r.counts).toMatchObject({
      prospects: 6,
      sent: 5,
      notSent: 1,
      replied: 1,
      bounced: 1,
      openedHuman: 2,
    });
    // Ana replied a day after step 2 (not three days after step 1).
    expect(r.medianReplyMs).toBe(DAY);
  });

  it('says which step got each answer and why later steps stopped', () => {
    const { report: r } = report();
    const by = Object.fromEntries(r.prospects.map((p) => [p.prospectId, p]));
    expect(by.ana).toMatchObject({ status: 'replied', replyStep: 2, stopped: { cause: 'replied' } });
    expect(by.ben).toMatchObject({ status: 'bounced', bounceStep: 1, stopped: { cause: 'bounced' } });
    expect(by.cy).toMatchObject({ status: 'out-of-office', replyStep: null, stopped: null });
    expect(by.di?.stopped).toBeNull();
    expect(by.eve?.stopped).toEqual({ cause: 'removed', at: T0 + DAY });
    expect(r.attention.map((a) => a.kind)).not.toContain('failed');
  });

  it('tells each step apart on the timeline', () => {
    const { report: r } = report();
    const ana = r.prospects.find((p) => p.prospectId === 'ana')!;
    expect(
      timelineOf(ana).map((e) => [
        e.kind,
        'step' in e ? e.step : null,
        e.kind === 'stopped' ? e.cause : null,
      ]),
    ).toEqual([
      ['sent', 1, null],
      ['open', 1, null],
      ['sent', 2, null],
      ['open', 2, null],
      ['message', 2, null],
      ['stopped', null, 'replied'],
    ]);
    const cy = r.prospects.find((p) => p.prospectId === 'cy')!;
    const sent = timelineOf(cy).filter((e) => e.kind === 'sent');
    expect(sent.map((e) => e.kind === 'sent' && e.threading?.reason)).toEqual([
      undefined,
      'Your first message was no longer in Sent Items.',
      undefined,
    ]);
  });

  it('exports step columns a spreadsheet can filter on', () => {
    const { report: r } = report();
    const rows = Papa.parse<Record<string, string>>(reportCsv(r), { header: true }).data;
    const ana = rows.find((row) => row.Address === 'ana@example.org')!;
    expect(ana).toMatchObject({
      Status: 'Replied',
      'Steps sent': '2',
      'Replied to step': '2',
      'Bounced on step': '',
      'No more steps because': 'replied',
      'Step 2 sent at': new Date(T0 + 2 * DAY).toISOString(),
      'Step 2 opens by people': '1',
      'Step 2 sent as': 'in the same thread',
      'Step 3 sent at': '',
    });
    const cy = rows.find((row) => row.Address === 'cy@example.org')!;
    expect(cy['Step 2 sent as']).toBe('as a new message: Your first message was no longer in Sent Items.');
    expect(rows.find((row) => row.Address === 'ben@example.org')?.['Bounced on step']).toBe('1');
  });

  it('adds no step columns to a single-message campaign', () => {
    const single = { ...snapshot, campaign: { ...campaign, sequence: undefined } } as CampaignSnapshot;
    const results = buildCampaignResults({
      snapshot: { ...single, send: { ...send, recipients: recipients.filter((x) => !x.step) } },
      backendSends: {},
      events: [],
      syncedAt: null,
      notes: [],
    });
    const r = buildReport(results);
    expect(r.steps).toBe(1);
    expect(r.prospects.every((p) => p.stopped === null)).toBe(true);
    expect(Papa.parse<string[]>(reportCsv(r)).data[0]).not.toContain('Steps sent');
  });
});
