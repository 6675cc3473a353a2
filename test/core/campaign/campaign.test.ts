import { describe, expect, it } from 'vitest';
import {
  type Campaign,
  type CampaignSnapshot,
  campaignSnapshot,
  checkCampaign,
  createCampaignSend,
  parseCampaignSnapshot,
  previewMessage,
  restoreCampaignSend,
  withProspectTracking,
  withoutProspects,
} from '../../../src/core/campaign';
import { parseProspectTable, suggestMapping, validateProspects } from '../../../src/core/prospects';
import { ManualClock } from '../../../src/shared/clock';
import { runFor, runUntilIdle } from '../support/drive';
import { FakeMailbox } from '../support/fake-mailbox';
import { expectExactlyOnce } from '../support/invariants';

const CSV = [
  'Email;First name;Company',
  'ana@example.com;Ana;Acme & Sons',
  'bo@example.com;;Globex',
  'chen@example.com;陈;Initech',
].join('\n');

function buildCampaign(overrides: Partial<Campaign> = {}): Campaign {
  const table = parseProspectTable(CSV);
  const { prospects, fields } = validateProspects(table, suggestMapping(table.headers));
  return {
    id: 'c1',
    name: 'Backend engineers',
    template: { subject: 'Hi {{firstName|there}}', html: '<body><p>{{company}} is hiring</p></body>' },
    prospects,
    fields,
    trackOpens: true,
    ratePerMinute: 30,
    ...overrides,
  };
}

const pixelUrl = async (_p: unknown, sendId: string) => `https://t.example/o/${sendId}.gif`;
const PREVIEW_URL = 'https://t.example/o/preview.gif';

describe('campaign', () => {
  it('is ready when the template and every prospect check out, and says what to fix otherwise', () => {
    expect(checkCampaign(buildCampaign()).ready).toBe(true);
    const broken = checkCampaign(
      buildCampaign({ template: { subject: 'Hi {{firstName}}', html: '{{team}}' } }),
    );
    expect(broken.ready).toBe(false);
    expect(broken.template.map((p) => p.field)).toEqual(['team']);
    expect(broken.prospects.map((p) => [p.row, p.field])).toEqual([[2, 'firstName']]);
    expect(checkCampaign(withoutProspects(buildCampaign(), ['p1', 'p2', 'p3'])).ready).toBe(false);
  });

  it('refuses to start sending while there are problems', () => {
    const clock = new ManualClock();
    const campaign = buildCampaign({ template: { subject: 'Hi {{firstName}}', html: 'x' } });
    expect(() =>
      createCampaignSend(campaign, { clock, sender: new FakeMailbox({ clock }), pixelUrl }),
    ).toThrow(/problems/);
  });

  it('sends exactly what the preview shows, pixel included at the same place, or absent when tracking is off', async () => {
    const clock = new ManualClock();
    const mailbox = new FakeMailbox({ clock });
    const campaign = withProspectTracking(buildCampaign(), 'p3', false);
    const engine = createCampaignSend(campaign, { clock, sender: mailbox, pixelUrl });
    engine.start();
    await runUntilIdle(clock, engine);
    expectExactlyOnce(engine.recipients(), mailbox.deliveries());

    for (const prospect of campaign.prospects) {
      const sent = mailbox.sentMails.find((m) => m.to.address === prospect.email);
      const sendId = engine.recipient(prospect.id)?.attempt?.sendId as string;
      const preview = previewMessage(campaign, prospect.id, PREVIEW_URL);
      expect(sent?.subject).toBe(preview.subject);
      // Same HTML once the per-send pixel URL replaces the preview's stand-in.
      expect(sent?.html).toBe(preview.html.replace(PREVIEW_URL, `https://t.example/o/${sendId}.gif`));
    }
    const [ana, bo, chen] = ['ana@example.com', 'bo@example.com', 'chen@example.com'].map((a) =>
      mailbox.sentMails.find((m) => m.to.address === a)!,
    );
    expect(ana?.html).toMatch(
      /^<body><p>Acme &amp; Sons is hiring<\/p><img src="https:\/\/t\.example\/o\/.+\.gif"[^>]*\/><\/body>$/,
    );
    expect(bo?.subject).toBe('Hi there');
    expect(chen?.subject).toBe('Hi 陈');
    expect(chen?.html).toBe('<body><p>Initech is hiring</p></body>');
    expect(previewMessage(campaign, 'p3', PREVIEW_URL).pixel).toBeNull();
  });

  it('puts no pixel in anyone’s mail when the campaign does not track opens', async () => {
    const clock = new ManualClock();
    const mailbox = new FakeMailbox({ clock });
    let minted = 0;
    const engine = createCampaignSend(buildCampaign({ trackOpens: false }), {
      clock,
      sender: mailbox,
      pixelUrl: async (p, id) => (minted++, pixelUrl(p, id)),
    });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(mailbox.sentMails).toHaveLength(3);
    expect(mailbox.sentMails.every((m) => !m.html.includes('<img'))).toBe(true);
    expect(minted).toBe(0);
  });

  it('stops with a reason when the tracking backend cannot mint a pixel, and sends nothing untracked', async () => {
    const clock = new ManualClock();
    const mailbox = new FakeMailbox({ clock });
    const engine = createCampaignSend(buildCampaign(), {
      clock,
      sender: mailbox,
      pixelUrl: () => Promise.reject(new Error('tracking service unreachable')),
    });
    engine.start();
    await runUntilIdle(clock, engine);
    expect(engine.status).toBe('stopped');
    expect(engine.stopReason?.message).toMatch(/tracking service unreachable/);
    expect(mailbox.sendRequests).toBe(0);
    expect(engine.progress().queued).toBe(3);
  });

  it('survives a JSON round trip of its snapshot and continues where it was', async () => {
    const clock = new ManualClock();
    const mailbox = new FakeMailbox({ clock, latencyMs: 20_000 });
    const campaign = buildCampaign();
    const deps = { clock, sender: mailbox, pixelUrl, engine: { maxInFlight: 1 } };
    const engine = createCampaignSend(campaign, deps);
    engine.start();
    await runFor(clock, 25_000);
    const stored = JSON.parse(JSON.stringify(campaignSnapshot(campaign, engine))) as unknown;
    engine.dispose();
    const snapshot = parseCampaignSnapshot(stored);
    const restored = restoreCampaignSend(snapshot, deps);
    restored.start();
    await runUntilIdle(clock, restored);
    expect(restored.progress()).toMatchObject({ sent: 3, status: 'finished' });
    expectExactlyOnce(restored.recipients(), mailbox.deliveries());
  });

  it('refuses a corrupt snapshot instead of guessing', () => {
    const good = JSON.parse(JSON.stringify(campaignSnapshot(buildCampaign(), null))) as CampaignSnapshot;
    expect(parseCampaignSnapshot(good).campaign.prospects).toHaveLength(3);
    expect(() => parseCampaignSnapshot({ ...good, version: 2 })).toThrow();
    expect(() =>
      parseCampaignSnapshot({ ...good, campaign: { ...good.campaign, ratePerMinute: 60 } }),
    ).toThrow();
    const clock = new ManualClock();
    const engine = createCampaignSend(buildCampaign(), {
      clock,
      sender: new FakeMailbox({ clock }),
      pixelUrl,
    });
    const withSend = JSON.parse(
      JSON.stringify(campaignSnapshot(buildCampaign(), engine)),
    ) as CampaignSnapshot;
    withSend.send!.recipients[0]!.id = 'someone-else';
    expect(() => parseCampaignSnapshot(withSend)).toThrow(/recipient/);
    withSend.send!.recipients[0]!.id = 'p1';
    withSend.send!.recipients[0]!.state = 'lost' as 'sent';
    expect(() => parseCampaignSnapshot(withSend)).toThrow();
  });
});
