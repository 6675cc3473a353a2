import { describe, expect, it } from 'vitest';
import { parseCampaignSnapshot } from '../../../src/core/campaign';

const recipient = {
  id: 'p1',
  address: 'ana@example.org',
  state: 'sent',
  attempts: 1,
  attempt: { sendId: 'a1', startedAt: 1, subject: 'Role at Acme' },
  sentAt: 1,
  confirmedBy: 'accepted',
  sentItemId: null,
  failure: null,
  uncertain: null,
};

const snapshot = (r: Record<string, unknown>) => ({
  version: 1,
  campaign: {
    id: 'c',
    name: 'n',
    template: { subject: 's', html: 'h' },
    prospects: [{ id: 'p1', row: 1, email: 'ana@example.org', fields: {}, trackOpens: true }],
    fields: [],
    trackOpens: true,
    ratePerMinute: 10,
  },
  send: {
    version: 1,
    savedAt: 1,
    status: 'finished',
    stopReason: null,
    recipients: [r],
    pacer: { recent: [], pausedUntil: 0, throttleStreak: 0 },
  },
});

describe('campaign snapshot: reply tracking fields', () => {
  it('loads a snapshot saved before reply tracking', () => {
    expect(parseCampaignSnapshot(snapshot(recipient)).send?.recipients[0]).toEqual(recipient);
  });

  it('keeps the Sent Items copy ids, the search end and the response through a save and load', () => {
    const extra = {
      conversationId: 'conv',
      internetMessageId: '<m@x>',
      copySearchEndedAt: 5,
      response: { kind: 'bounced', at: 9 },
    };
    const parsed = parseCampaignSnapshot(JSON.parse(JSON.stringify(snapshot({ ...recipient, ...extra }))));
    expect(parsed.send?.recipients[0]).toMatchObject(extra);
  });

  it('refuses an unknown response kind', () => {
    expect(() =>
      parseCampaignSnapshot(snapshot({ ...recipient, response: { kind: 'opened', at: 1 } })),
    ).toThrow();
  });
});
