/**
 * Deterministic campaign results for tests, the report benchmark and the report screenshots: a
 * fake of what reply tracking produces (src/core/results/types.ts), with a fake ResultsSource.
 */
import type {
  CampaignListing,
  CampaignResults,
  OpenRecord,
  ProspectSend,
  ReplyRecord,
  ResultsSource,
} from '../../src/core/results/types';

const HOUR = 3_600_000;

/** mulberry32: a small seeded generator, so every run builds the same campaign. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedOptions {
  campaignId?: string;
  name?: string;
  prospects: number;
  /** Open events in total (spread over the prospects); about 10 per prospect by default. */
  opens?: number;
  startedAt?: number;
  /** How long the campaign has been running (spread of events). */
  spanMs?: number;
  seed?: number;
}

/** A campaign with opens (people and machines), replies, bounces, out-of-office answers and unsent prospects. */
export function generatedResults(options: GeneratedOptions): CampaignResults {
  const rnd = random(options.seed ?? 7);
  const startedAt = options.startedAt ?? Date.UTC(2026, 10, 24, 9, 0);
  const span = options.spanMs ?? 5 * 24 * HOUR;
  const prospects: ProspectSend[] = [];
  const replies: ReplyRecord[] = [];
  for (let i = 0; i < options.prospects; i++) {
    const r = rnd();
    const state = r < 0.01 ? 'failed' : r < 0.02 ? 'uncertain' : r < 0.03 ? 'queued' : 'sent';
    const sentAt = state === 'sent' ? startedAt + Math.floor((i / options.prospects) * HOUR * 3) : null;
    const sendId = state === 'queued' ? null : `send-${i}`;
    prospects.push({
      prospectId: `p${i}`,
      step: 1,
      displayName: `Prospect ${i}`,
      address: `prospect${i}@example.com`,
      state,
      sentAt,
      sendId,
    });
    if (sentAt === null || !sendId) continue;
    const m = rnd();
    const at = sentAt + Math.floor(rnd() * span);
    const base = { sendId, ip: '203.0.113.7', statusCode: null, from: `prospect${i}@example.com` };
    if (m < 0.04)
      replies.push({
        ...base,
        eventId: `r${i}`,
        kind: 'bounce',
        subject: 'Undeliverable: Hello',
        from: 'postmaster@example.com',
        receivedAt: sentAt + 60_000,
        confidence: 'high',
        matchedBy: 'headers',
        statusCode: m < 0.005 ? '5.7.233' : '5.1.1',
      });
    else if (m < 0.18)
      replies.push({
        ...base,
        eventId: `r${i}`,
        kind: 'reply',
        subject: 'RE: Hello',
        receivedAt: at,
        confidence: m < 0.16 ? 'high' : m < 0.17 ? 'medium' : 'low',
        matchedBy: m < 0.16 ? 'conversation' : 'address-subject',
      });
    else if (m < 0.22)
      replies.push({
        ...base,
        eventId: `r${i}`,
        kind: 'out-of-office',
        subject: 'Automatic reply: Hello',
        receivedAt: sentAt + 120_000,
        confidence: 'high',
        matchedBy: 'conversation',
      });
  }
  // A bounced message is never opened.
  const bounced = new Set(replies.filter((r) => r.kind === 'bounce').map((r) => r.sendId));
  const sent = prospects.filter((p) => p.sentAt !== null && !bounced.has(p.sendId!));
  const total = options.opens ?? options.prospects * 10;
  const opens: OpenRecord[] = [];
  for (let e = 0; e < total && sent.length; e++) {
    const p = sent[Math.floor(rnd() * sent.length)]!;
    const v = rnd();
    opens.push({
      eventId: `o${e}`,
      sendId: p.sendId!,
      at: p.sentAt! + Math.floor(rnd() * span),
      ip: `198.51.100.${e % 250}`,
      verdict: v < 0.6 ? 'human' : v < 0.85 ? 'proxy' : 'scanner',
    });
  }
  return {
    campaignId: options.campaignId ?? 'c1',
    name: options.name ?? 'Backend engineers, Berlin',
    startedAt,
    prospects,
    opens,
    replies,
    syncedAt: startedAt + span,
    notes: [],
  };
}

export interface FakeResultsSource extends ResultsSource {
  syncCalls: number;
  /** Errors the next sync calls throw, in order. */
  syncErrors: Error[];
  /** When set, sync waits for this promise (tests hold a sync open to see its progress). */
  syncGate: Promise<void> | null;
  /** Replace a campaign's results and tell subscribers, as a background sync would. */
  publish(results: CampaignResults): void;
}

/** An in-memory ResultsSource over fixed campaigns. */
export function fakeResultsSource(campaigns: CampaignResults[]): FakeResultsSource {
  const byId = new Map(campaigns.map((c) => [c.campaignId, c]));
  const listeners = new Set<() => void>();
  const source: FakeResultsSource = {
    syncCalls: 0,
    syncErrors: [],
    syncGate: null,
    async listCampaigns(): Promise<CampaignListing[]> {
      return [...byId.values()].map((c) => ({
        campaignId: c.campaignId,
        name: c.name,
        startedAt: c.startedAt,
        updatedAt: c.syncedAt ?? c.startedAt ?? 0,
      }));
    },
    async load(id) {
      return byId.get(id) ?? null;
    },
    async sync(signal) {
      source.syncCalls++;
      if (source.syncGate) await source.syncGate;
      signal?.throwIfAborted();
      const error = source.syncErrors.shift();
      if (error) throw error;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    publish(results) {
      byId.set(results.campaignId, results);
      listeners.forEach((l) => l());
    },
  };
  return source;
}
