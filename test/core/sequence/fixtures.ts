import type { Campaign } from '../../../src/core/campaign';
import type { EngineView, StoppedProspect } from '../../../src/core/send/gate';
import type { RecipientRecord } from '../../../src/core/send/recipient';
import type { SequenceSettings, SendingWindow } from '../../../src/core/sequence';

export const BERLIN_WEEKDAYS: SendingWindow = {
  days: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  timeZone: 'Europe/Berlin',
  prospectTimeZoneField: 'timeZone',
};

export function sequence(overrides: Partial<SequenceSettings> = {}): SequenceSettings {
  return {
    followUps: [
      {
        template: { subject: '', html: '<p>Following up, {{firstName|there}}</p>' },
        delay: { amount: 2, unit: 'business-days' },
      },
      {
        template: { subject: '', html: '<p>Last note about {{company}}</p>' },
        delay: { amount: 3, unit: 'calendar-days' },
      },
    ],
    window: structuredClone(BERLIN_WEEKDAYS),
    outOfOffice: { action: 'delay', days: 7 },
    graceMinutes: 20,
    ...overrides,
  };
}

export function campaign(overrides: Partial<SequenceSettings> = {}, prospects = 3): Campaign {
  const zones = ['', 'America/New_York', 'Mars/Olympus_Mons'];
  return {
    id: 'c1',
    name: 'Backend engineers',
    template: { subject: 'Role at {{company}}', html: '<p>Hi {{firstName|there}}</p>' },
    prospects: Array.from({ length: prospects }, (_, i) => ({
      id: `p${i + 1}`,
      row: i + 1,
      email: `person${i + 1}@example.org`,
      fields: {
        email: `person${i + 1}@example.org`,
        firstName: `Name${i + 1}`,
        company: 'Acme',
        timeZone: zones[i % zones.length] ?? '',
      },
      trackOpens: true,
    })),
    fields: ['email', 'firstName', 'company', 'timeZone'],
    trackOpens: true,
    ratePerMinute: 30,
    sequence: sequence(overrides),
  };
}

export function record(id: string, overrides: Partial<RecipientRecord> = {}): RecipientRecord {
  return {
    id,
    address: `${id.split('#')[0] ?? id}@example.org`,
    state: 'queued',
    attempts: 0,
    attempt: null,
    sentAt: null,
    confirmedBy: null,
    sentItemId: null,
    failure: null,
    uncertain: null,
    ...overrides,
  };
}

export function sent(id: string, sentAt: number, overrides: Partial<RecipientRecord> = {}): RecipientRecord {
  return record(id, {
    state: 'sent',
    attempts: 1,
    sentAt,
    confirmedBy: 'accepted',
    sentItemId: `item-${id}`,
    ...overrides,
  });
}

export function view(
  now: number,
  records: RecipientRecord[],
  stopped: Record<string, StoppedProspect> = {},
): EngineView {
  const byId = new Map(records.map((r) => [r.id, r]));
  return { now, recipient: (id) => byId.get(id), stopped: (p) => stopped[p] };
}
