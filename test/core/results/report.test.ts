import { describe, expect, it } from 'vitest';
import { buildReport, timelineOf, statusCounts } from '../../../src/core/results/report';
import { attentionText, matchLabel } from '../../../src/core/results/labels';
import type { CampaignResults, OpenRecord, ReplyRecord } from '../../../src/core/results/types';
import { generatedResults } from '../../support/fake-results';

const T0 = Date.UTC(2026, 11, 1, 9, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const open = (
  id: string,
  sendId: string,
  at: number,
  verdict: OpenRecord['verdict'] = 'human',
): OpenRecord => ({
  eventId: id,
  sendId,
  at,
  ip: '198.51.100.4',
  verdict,
});

const message = (id: string, sendId: string, at: number, extra: Partial<ReplyRecord> = {}): ReplyRecord => ({
  eventId: id,
  sendId,
  kind: 'reply',
  subject: 'RE: Your next role',
  from: 'x@example.com',
  receivedAt: at,
  ip: null,
  confidence: 'high',
  matchedBy: 'conversation',
  statusCode: null,
  ...extra,
});

function campaign(): CampaignResults {
  const sent = (n: number) => ({
    prospectId: `p${n}`,
    step: 1,
    displayName: `Person ${n}`,
    address: `p${n}@example.com`,
    state: 'sent' as const,
    sentAt: T0 + n * MIN,
    sendId: `s${n}`,
  });
  return {
    campaignId: 'c1',
    name: 'Test',
    startedAt: T0,
    prospects: [
      sent(1), // opened by a person, then replied
      sent(2), // bounced (no such address)
      sent(3), // only a proxy opened it
      sent(4), // out of office, then opened by a person
      sent(5), // replied (subject match) after 3 hours
      sent(6), // sender-side bounce (tenant limit)
      sent(7), // a low-confidence reply only
      {
        prospectId: 'p8',
        step: 1,
        displayName: 'Person 8',
        address: 'p8@example.com',
        state: 'uncertain',
        sentAt: null,
        sendId: 's8',
      },
      {
        prospectId: 'p9',
        step: 1,
        displayName: 'Person 9',
        address: 'p9@example.com',
        state: 'failed',
        sentAt: null,
        sendId: null,
      },
      {
        prospectId: 'p10',
        step: 1,
        displayName: 'Person 10',
        address: 'p10@example.com',
        state: 'queued',
        sentAt: null,
        sendId: null,
      },
    ],
    opens: [
      open('o1', 's1', T0 + 30 * MIN),
      open('o1', 's1', T0 + 30 * MIN), // the same event delivered twice
      open('o2', 's1', T0 + 10 * MIN, 'scanner'),
      open('o3', 's3', T0 + 5 * MIN, 'proxy'),
      open('o4', 's4', T0 + 5 * HOUR),
      open('o5', 'unknown-send', T0),
    ],
    replies: [
      message('r1', 's1', T0 + MIN + HOUR),
      message('r2', 's2', T0 + 3 * MIN, { kind: 'bounce', statusCode: '5.1.1', subject: 'Undeliverable' }),
      message('r3', 's4', T0 + 5 * MIN, { kind: 'out-of-office', subject: 'Automatic reply' }),
      message('r4', 's5', T0 + 5 * MIN + 3 * HOUR, { confidence: 'medium', matchedBy: 'address-subject' }),
      message('r5', 's6', T0 + 7 * MIN, { kind: 'bounce', statusCode: '5.7.233' }),
      message('r6', 's7', T0 + 2 * HOUR, { confidence: 'low', matchedBy: 'address-subject' }),
    ],
    syncedAt: T0 + 6 * HOUR,
    notes: ['2 messages in Junk Email could not be read.'],
  };
}

describe('campaign report', () => {
  it('counts sent, delivered, opens by people and machines, replies, bounces and out-of-office', () => {
    const { counts, rates } = buildReport(campaign());
    expect(counts).toMatchObject({
      prospects: 10,
      sent: 7, // p8 is uncertain with no evidence of delivery: not counted as sent
      bounced: 2,
      openedHuman: 2,
      openedMachineOnly: 1,
      replied: 2,
      outOfOffice: 1,
      toReview: 1,
      humanOpenEvents: 2,
      machineOpenEvents: 2,
    });
    expect(counts.delivered).toBe(counts.sent - counts.bounced);
    expect(rates.replied).toBeCloseTo(2 / counts.delivered);
    expect(rates.bounced).toBeCloseTo(2 / counts.sent);
  });

  it('counts opens and answers only for delivered messages, so no share exceeds 100%', () => {
    const results = campaign();
    // p2 bounced; an open and an out-of-office answer for it are contradictory and not counted.
    results.opens.push(open('o9', 's2', T0 + HOUR));
    results.replies.push(message('r9', 's2', T0 + HOUR, { kind: 'out-of-office' }));
    const { counts } = buildReport(results);
    expect(counts).toMatchObject({ bounced: 2, openedHuman: 2, outOfOffice: 1 });
    const replied = campaign();
    replied.replies.push(message('r10', 's2', T0 + 2 * HOUR)); // a reply after the bounce: delivered after all
    expect(buildReport(replied).counts).toMatchObject({ bounced: 1, replied: 3 });
  });

  it('gives each prospect one status by precedence', () => {
    const report = buildReport(campaign());
    const status = Object.fromEntries(report.prospects.map((p) => [p.prospectId, p.status]));
    expect(status).toEqual({
      p1: 'replied',
      p2: 'bounced',
      p3: 'sent', // a proxy open is not a person opening it
      p4: 'out-of-office', // out-of-office outranks a later open
      p5: 'replied',
      p6: 'bounced',
      p7: 'sent', // an unsure reply is listed to check, not counted
      p8: 'uncertain',
      p9: 'failed',
      p10: 'queued',
    });
    expect(statusCounts(report)).toMatchObject({ replied: 2, bounced: 2, sent: 2, queued: 1 });
  });

  it('ranks a reply above a bounce for the same prospect', () => {
    const results = campaign();
    results.replies.push(message('r9', 's2', T0 + 2 * HOUR));
    expect(buildReport(results).prospects[1]!.status).toBe('replied');
  });

  it('takes the median time from send to first counted reply', () => {
    // p1: 1 h, p5: 3 h → median 2 h
    expect(buildReport(campaign()).medianReplyMs).toBe(2 * HOUR);
    const none = campaign();
    none.replies = [];
    expect(buildReport(none).medianReplyMs).toBeNull();
  });

  it('buckets activity by the hour over a short span and by the local day over a long one', () => {
    const short = buildReport(campaign()).activity;
    expect(short.unit).toBe('hour');
    expect(short.buckets[0]!.start).toBe(T0);
    expect(short.buckets.reduce((s, b) => s + b.humanOpens, 0)).toBe(2);
    expect(short.buckets.reduce((s, b) => s + b.machineOpens, 0)).toBe(2);
    expect(short.buckets.reduce((s, b) => s + b.replies, 0)).toBe(2);
    expect(short.buckets[1]!.replies).toBe(1); // p1 replied at 10:01

    const long = campaign();
    long.opens.push(open('late', 's1', T0 + 4 * 24 * HOUR));
    const days = buildReport(long, { utcOffsetMinutes: 60 }).activity;
    expect(days.unit).toBe('day');
    // Local midnight at UTC+1 is 23:00 UTC the day before.
    expect(new Date(days.buckets[0]!.start).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(days.buckets).toHaveLength(5);
    expect(days.buckets[4]!.humanOpens).toBe(1);
  });

  it('builds a prospect timeline in time order with every open and message', () => {
    const report = buildReport(campaign());
    const p1 = timelineOf(report.prospects[0]!);
    expect(p1.map((e) => e.kind)).toEqual(['sent', 'open', 'open', 'message']);
    expect(p1[1]).toMatchObject({ kind: 'open', open: { verdict: 'scanner' } });
    const p2 = timelineOf(report.prospects[1]!);
    expect(p2[1]).toMatchObject({
      kind: 'message',
      bounceReason: 'no-such-address',
      message: { statusCode: '5.1.1' },
    });
    const p7 = timelineOf(report.prospects[6]!);
    expect(p7[1]).toMatchObject({ kind: 'message', review: true });
    expect(matchLabel(report.prospects[4]!.reply!)).toBe('Likely — same sender and subject');
    expect(matchLabel(report.prospects[0]!.reply!)).toBe('Matched by conversation');
  });

  it('lists what needs attention: sender problems first, then decisions, bounces, replies to check, failures', () => {
    const report = buildReport(campaign());
    expect(report.attention.map((a) => [a.kind, a.prospectIds])).toEqual([
      ['sender-problem', ['p6']],
      ['awaiting-decision', ['p8']],
      ['bounced', ['p2']],
      ['review-reply', ['p7']],
      ['failed', ['p9']],
    ]);
    expect(report.attention[0]).toMatchObject({ reason: 'sending-limit', statusCodes: ['5.7.233'] });
    expect(attentionText(report.attention[0]!).title).toBe(
      'Your mailbox reached its sending limit: 1 message bounced (5.7.233).',
    );
    expect(report.unmatchedEvents).toBe(1);
    expect(report.notes).toEqual(['2 messages in Junk Email could not be read.']);
  });

  it('reports rates as unknown for a campaign not sent yet', () => {
    const report = buildReport({ ...campaign(), startedAt: null, opens: [], replies: [], prospects: [] });
    expect(report.rates.openedHuman).toBeNull();
    expect(report.activity.buckets).toEqual([]);
  });

  it('builds 5,000 prospects and 50,000 opens well under a second of CPU', () => {
    const results = generatedResults({ prospects: 5_000, opens: 50_000 });
    // CPU time, not wall time: the machine is shared, and waiting for a core is not our cost.
    const before = process.cpuUsage();
    const report = buildReport(results);
    const used = process.cpuUsage(before);
    expect(report.counts.humanOpenEvents + report.counts.machineOpenEvents).toBe(50_000);
    expect((used.user + used.system) / 1000).toBeLessThan(1_000);
  });
});
