/**
 * What the rest of the backend uses from the pixel: minting pixel URLs for new sends (the API's
 * sends route) and mounting GET/HEAD /o/<token>.gif on the app.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock';
import type { Store } from '../store/store';
import type { GroupCommitOptions } from './group-commit';
import { registerPixelRoutes, type PixelCounters } from './routes';
import { EventSealer } from './seal';
import { newSendId, type PixelKeyRing } from './token';

export interface PixelModuleOptions {
  store: Store;
  clock: Clock;
  keyRing: PixelKeyRing;
  /** Origin (and optional path prefix) pixels are served from, e.g. https://t.example.com */
  baseUrl: string;
  /** Trusted reverse-proxy hops in front of the pixel host (0 = ignore X-Forwarded-For). */
  trustProxy: number;
  groupCommit?: GroupCommitOptions;
  /** Sealing epoch per user key (ms); default 1000. */
  sealEpochMs?: number;
}

export interface PixelModule {
  newSendId(): string;
  pixelUrl(sendId: string): string;
  register(app: FastifyInstance): Promise<void>;
  /** Set once registered; counts only, for metrics. */
  counters(): PixelCounters | null;
}

export function createPixelModule(options: PixelModuleOptions): PixelModule {
  const base = options.baseUrl.replace(/\/+$/, '');
  let counters: PixelCounters | null = null;
  return {
    newSendId,
    pixelUrl: (sendId) => `${base}/o/${options.keyRing.mint(sendId)}.gif`,
    register: async (app) => {
      const r = await registerPixelRoutes(app, {
        store: options.store,
        keyRing: options.keyRing,
        clock: options.clock,
        trustProxy: options.trustProxy,
        sealer: new EventSealer({ clock: options.clock, epochMs: options.sealEpochMs ?? 1000 }),
        ...(options.groupCommit ? { groupCommit: options.groupCommit } : {}),
      });
      counters = r.counters;
    },
    counters: () => counters,
  };
}
