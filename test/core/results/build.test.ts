import { describe, expect, it } from 'vitest';
import type { CampaignSnapshot } from '../../../src/core/campaign';
import { buildCampaignResults, displayNameOf, type OpenedResultEvent } from '../../../src/core/results/build';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

const snapshot: CampaignSnapshot = {
  version: 1,
  campaign: {
    id: 'camp',
    name: 'Backend engineers',
    template: { subject: 'Role at Acme', html: '<p>Hi</p>' },
    prospects: [
      {
        id: 'ana',
        row: 1,
        email: 'ana@example.org',
        fields: { 'First name': 'Ana', 'Last name': 'Lima' },
        trackOpens: true,
      },
      { id: 'ben', row: 2, email: 'ben@example.net', fields: {}, trackOpens: true },
      { id: 'cy', row: 3, email: 'cy@example.com', fields: { Name: 'Cy Young' }, trackOpens: true },
    ],
    fields: [],
    trackOpens: true,
    ratePerMinute: 10,
  },
  send: {
    version: 1,
    savedAt: T0,
    status: 'running',
    stopReason: null,
    pacer: { recent: [], pausedUntil: 0, throttleStreak: 0 },
    recipients: [
      {
        id: 'ana',
        address: 'ana@example.org',
        state: 'sent',
        attempts: 1,
        attempt: { sendId: 'a-ana', startedAt: T0, subject: 'Role at Acme' },
        sentAt: T0,
        confirmedBy: 'accepted',
        sentItemId: null,
        failure: null,
        uncertain: null,
      },
      {
        id: 'ben',
        address: 'ben@example.net',
        state: 'sent',
        attempts: 1,
        attempt: { sendId: 'a-ben', startedAt: T0 + 60_000, subject: 'Role at Acme' },
        sentAt: T0 + 60_000,
        confirmedBy: 'accepted',
        sentItemId: null,
        failure: null,
        uncertain: null,
      },
    ],
  },
};

const reply = (eventId: string, sendId: string, over: Record<string, unknown> = {}): OpenedResultEvent => ({
  kind: 'reply',
  eventId,
  sendId,
  payload: {
    subject: 'RE: Role at Acme',
    from: 'ana@example.org',
    receivedAt: T0 + 3_600_000,
    ip: '203.0.113.7',
    kind: 'reply',
    confidence: 'high',
    matchedBy: 'conversation',
    statusCode: null,
    ...over,
  },
});

const open = (
  eventId: string,
  sendId: string,
  at: number,
  verdict: 'human' | 'proxy' | 'scanner',
): OpenedResultEvent => ({
  kind: 'open',
  eventId,
  sendId,
  payload: { ip: '198.51.100.1', at, verdict },
});

function build(events: OpenedResultEvent[]) {
  return buildCampaignResults({
    snapshot,
    backendSends: { 'a-ana': 'b-ana', 'a-ben': 'b-ben' },
    events,
    syncedAt: T0 + 7_200_000,
    notes: ['note'],
  });
}

describe('buildCampaignResults', () => {
  it('lists every prospect with its state, send id and a display name', () => {
    const r = build([]);
    expect(r.prospects).toEqual([
      {
        prospectId: 'ana',
        step: 1,
        displayName: 'Ana Lima',
        address: 'ana@example.org',
        state: 'sent',
        sentAt: T0,
        sendId: 'b-ana',
      },
      {
        prospectId: 'ben',
        step: 1,
        displayName: 'ben@example.net',
        address: 'ben@example.net',
        state: 'sent',
        sentAt: T0 + 60_000,
        sendId: 'b-ben',
      },
      {
        prospectId: 'cy',
        step: 1,
        displayName: 'Cy Young',
        address: 'cy@example.com',
        state: 'queued',
        sentAt: null,
        sendId: null,
      },
    ]);
    expect(r).toMatchObject({
      campaignId: 'camp',
      name: 'Backend engineers',
      startedAt: T0,
      syncedAt: T0 + 7_200_000,
      notes: ['note'],
    });
  });

  it('keeps only this campaign’s events and calls an open within seconds of the send a scanner', () => {
    const r = build([
      open('o1', 'b-ana', T0 + 2_000, 'human'),
      open('o2', 'b-ana', T0 + 600_000, 'human'),
      open('o3', 'b-ben', T0 + 120_000, 'proxy'),
      open('o4', 'b-other-campaign', T0 + 600_000, 'human'),
    ]);
    expect(r.opens.map((o) => [o.eventId, o.verdict])).toEqual([
      ['o1', 'scanner'],
      ['o3', 'proxy'],
      ['o2', 'human'],
    ]);
  });

  it('maps replies, defaults fields missing from older records, and shows one message matched twice once', () => {
    const r = build([
      reply('r1', 'b-ana', { confidence: 'low', matchedBy: 'address-subject' }),
      reply('r2', 'b-ana'),
      reply('r3', 'b-ben', { kind: 'bounce', from: 'postmaster@contoso.com', statusCode: '5.1.1' }),
      reply('r4', 'b-ben', {
        kind: undefined,
        confidence: undefined,
        matchedBy: undefined,
        statusCode: undefined,
        from: 'ben@example.net',
        receivedAt: T0 + 9_000_000,
      }),
    ]);
    expect(r.replies.map((x) => [x.eventId, x.kind, x.confidence, x.matchedBy, x.statusCode])).toEqual([
      ['r2', 'reply', 'high', 'conversation', null],
      ['r3', 'bounce', 'high', 'conversation', '5.1.1'],
      ['r4', 'reply', 'medium', 'address-subject', null],
    ]);
  });
});

describe('displayNameOf', () => {
  it.each([
    [{ name: 'Ana Lima' }, 'Ana Lima'],
    [{ FirstName: 'Ana' }, 'Ana'],
    [{ first_name: 'Ana', Surname: 'Lima' }, 'Ana Lima'],
    [{ company: 'Acme' }, 'ana@example.org'],
  ])('%j → %s', (fields, expected) => {
    expect(displayNameOf(fields, 'ana@example.org')).toBe(expected);
  });
});
