import { describe, expect, it } from 'vitest';
import {
  type Campaign,
  campaignRenderer,
  checkCampaign,
  parseCampaignSnapshot,
  previewMessage,
} from '../../../src/core/campaign';
import type { SequenceSettings } from '../../../src/core/sequence';
import { campaign, record, sent } from '../sequence/fixtures';

const PREVIEW_URL = 'https://t.example/o/preview.gif';
const pixelUrl = async (_p: unknown, sendId: string) => `https://t.example/o/${sendId}.gif`;

function withFollowUp(c: Campaign, html: string, subject = ''): Campaign {
  const sequence = c.sequence as SequenceSettings;
  return {
    ...c,
    sequence: {
      ...sequence,
      followUps: [{ template: { subject, html }, delay: { amount: 2, unit: 'business-days' } }],
    },
  };
}

describe('checkCampaign with follow-ups', () => {
  it('is ready when every step checks out; a follow-up’s subject is not used, so not checked', () => {
    const ready = checkCampaign(withFollowUp(campaign(), '<p>Hi again {{firstName}}</p>', ''));
    expect(ready).toMatchObject({
      ready: true,
      sequence: [],
      steps: [{ step: 2, template: [], prospects: [] }],
    });
    expect(checkCampaign(withFollowUp(campaign(), '<p>x</p>', '{{nope}}')).ready).toBe(true);
  });

  it('names the step of each problem in a follow-up', () => {
    const c = withFollowUp(campaign(), '<p>{{team}} and {{nickname}}</p>');
    c.fields.push('nickname');
    c.prospects[1]!.fields.nickname = 'Bo';
    const readiness = checkCampaign(c);
    expect(readiness.ready).toBe(false);
    expect(readiness.template).toEqual([]);
    expect(readiness.steps[0]?.template.map((p) => p.message)).toEqual([
      expect.stringMatching(/^Step 2: .*team/),
    ]);
    expect(readiness.steps[0]?.prospects.map((p) => [p.row, p.field, p.message.slice(0, 8)])).toEqual([
      [1, 'nickname', 'Step 2: '],
      [3, 'nickname', 'Step 2: '],
    ]);
  });

  it('refuses a sending window in a time zone this device does not know, in plain words', () => {
    const c = campaign();
    c.sequence!.window!.timeZone = 'Europe/Atlantis';
    const readiness = checkCampaign(c);
    expect(readiness.ready).toBe(false);
    expect(readiness.sequence).toEqual([
      '“Europe/Atlantis” is not a time zone Candor knows. Pick your time zone from the list again.',
    ]);
  });

  it('keeps old campaigns (no sequence) as they were', () => {
    const { sequence: _omit, ...old } = campaign();
    expect(checkCampaign(old)).toMatchObject({ ready: true, steps: [], sequence: [] });
  });
});

describe('rendering follow-ups', () => {
  const c = campaign();

  it('sends the follow-up’s body under "RE: " and the prospect’s first subject, pixel minted per send', async () => {
    const render = campaignRenderer(c, pixelUrl);
    const first = await render({ id: 'p2', address: 'person2@example.org' }, 's1');
    const second = await render(
      { id: 'p2#2', address: 'person2@example.org', step: 2, prospectId: 'p2' },
      's2',
    );
    const third = await render(
      { id: 'p2#3', address: 'person2@example.org', step: 3, prospectId: 'p2' },
      's3',
    );
    expect(first.subject).toBe('Role at Acme');
    expect(second.subject).toBe('RE: Role at Acme');
    expect(third.subject).toBe('RE: Role at Acme');
    expect(second.to).toEqual({ address: 'person2@example.org', name: 'Name2' });
    expect(second.html).toMatch(/^<p>Following up, Name2<\/p><img src="https:\/\/t\.example\/o\/s2\.gif"/);
    expect(third.html).toMatch(/^<p>Last note about Acme<\/p><img src="https:\/\/t\.example\/o\/s3\.gif"/);
    await expect(render({ id: 'p2#4', address: 'x', step: 4, prospectId: 'p2' }, 's4')).rejects.toThrow(
      /no step 4/,
    );
  });

  it('previews each step exactly as it is sent', async () => {
    const render = campaignRenderer(c, pixelUrl);
    for (const step of [1, 2, 3]) {
      const input =
        step === 1 ? { id: 'p1', address: 'a' } : { id: `p1#${step}`, address: 'a', step, prospectId: 'p1' };
      const sentMail = await render(input, `send${step}`);
      const preview = previewMessage(c, 'p1', PREVIEW_URL, step);
      expect(sentMail.subject).toBe(preview.subject);
      expect(sentMail.html).toBe(preview.html.replace(PREVIEW_URL, `https://t.example/o/send${step}.gif`));
    }
    expect(previewMessage(c, 'p1', PREVIEW_URL).subject).toBe('Role at Acme');
    const untracked = { ...c, trackOpens: false };
    expect(previewMessage(untracked, 'p1', PREVIEW_URL, 2).pixel).toBeNull();
  });
});

function snapshotOf(c: Campaign, recipients: unknown[], extra: Record<string, unknown> = {}) {
  return JSON.parse(
    JSON.stringify({
      version: 1,
      campaign: c,
      send: {
        version: 1,
        savedAt: 1,
        status: 'running',
        stopReason: null,
        recipients,
        pacer: { recent: [], pausedUntil: 0, throttleStreak: 0 },
        ...extra,
      },
    }),
  ) as unknown;
}

describe('campaign snapshot with a sequence', () => {
  const c = campaign();
  const followUp = record('p1#2', {
    step: 2,
    prospectId: 'p1',
    notBefore: 5,
    threadOf: 'p1',
    threading: { how: 'new-message', reason: 'The first message was no longer in Sent Items.' },
  });
  const records = [sent('p1', 1), followUp, record('p2'), record('p3')];

  it('keeps the sequence, the follow-up records and the stopped prospects through a save and load', () => {
    const stopped = { p3: { code: 'do-not-contact', at: 7 } };
    const parsed = parseCampaignSnapshot(snapshotOf(c, records, { stopped }));
    expect(parsed.campaign.sequence).toEqual(c.sequence);
    expect(parsed.send?.recipients[1]).toEqual(followUp);
    expect((parsed.send as unknown as { stopped: unknown }).stopped).toEqual(stopped);
  });

  it('loads a campaign saved before sequences (no sequence, no step fields)', () => {
    const { sequence: _omit, ...old } = c;
    const parsed = parseCampaignSnapshot(snapshotOf(old, [sent('p1', 1), record('p2'), record('p3')]));
    expect(parsed.campaign.sequence).toBeUndefined();
    expect(parsed.send?.recipients[0]?.step).toBeUndefined();
  });

  it('refuses a follow-up for a prospect the campaign does not have, or under the wrong id', () => {
    const stray = record('p9#2', { step: 2, prospectId: 'p9' });
    expect(() => parseCampaignSnapshot(snapshotOf(c, [...records, stray]))).toThrow(/does not have/);
    const misnamed = record('p2#3', { step: 2, prospectId: 'p2' });
    expect(() => parseCampaignSnapshot(snapshotOf(c, [...records, misnamed]))).toThrow(/does not have/);
  });

  it('refuses settings out of range, and an unknown time zone with a plain message', () => {
    const broken = (change: (s: SequenceSettings) => void) => {
      const copy = structuredClone(c);
      change(copy.sequence!);
      return () => parseCampaignSnapshot(snapshotOf(copy, records));
    };
    expect(broken((s) => (s.window!.timeZone = 'Nowhere/Atlantis'))).toThrow(/not a time zone Candor knows/);
    expect(broken((s) => (s.window!.startMinute = s.window!.endMinute))).toThrow(/start before it ends/);
    expect(broken((s) => (s.window!.days = []))).toThrow();
    expect(broken((s) => (s.window!.days = [1, 1]))).toThrow(/days are not valid/);
    expect(broken((s) => (s.followUps[0]!.delay.amount = 31))).toThrow();
    expect(broken((s) => (s.graceMinutes = 61))).toThrow();
    expect(broken((s) => (s.outOfOffice = { action: 'delay', days: 0 }))).toThrow();
    expect(broken((s) => s.followUps.push(...s.followUps, ...s.followUps))).toThrow();
    expect(broken(() => undefined)).not.toThrow();
  });
});
