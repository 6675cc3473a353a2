/**
 * The pixel's full production path — token check, send lookup, verdict, HPKE sealing, group
 * commit to a durable store — in a process of its own, for bench/pixel.ts. Same modules as the
 * app (registerPixelRoutes + createStore); only the API and pages are left out, and the SQLite
 * synchronous mode is selectable so FULL and NORMAL can be compared.
 *
 * Env: PORT, DB (SQLite path or postgres:// URL), SQLITE_SYNC (FULL|NORMAL), SQLITE_WRITER
 * (thread|inline), PIXEL_KEYS,  BARE=1
 * (GIF only, no intake: the floor), STAGE (token|lookup|seal: the intake cut short), SEAL_EPOCH_MS
 * (the sealing group's epoch; default the app's; 0 = every open starts a group), GC_DELAY_MS and
 * GC_FLIGHTS (the group commit's maxDelayMs and maxFlushesInFlight, for comparing them).
 * Prints "listening <port>"; on SIGTERM flushes, closes and prints the counters as JSON.
 */
import Fastify from 'fastify';
import { systemClock } from '../src/shared/clock';
import { createStore } from '../src/server/store/create-store';
import { registerPixelRoutes } from '../src/server/pixel/routes';
import { loadPixelKeyRing } from '../src/server/pixel/key-file';
import { PIXEL_GIF, PIXEL_HEADERS } from '../src/server/pixel/gif';
import { EventSealer } from '../src/server/pixel/seal';
import { stagedPixel } from './pixel-stages';
import { stopProfile } from './profile-on-signal';

const env = process.env;
const store = await createStore(env.DB ?? 'bench.sqlite', {
  sqliteSynchronous: env.SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL',
  sqliteEventWriter: env.SQLITE_WRITER === 'inline' ? 'inline' : 'thread',
  sqliteSecureDelete: env.SQLITE_SECURE_DELETE !== 'OFF',
});
await store.migrate();
const app = Fastify({ logger: false });
const keyRing = loadPixelKeyRing({ keys: env.PIXEL_KEYS, dataDir: '/nonexistent' });
let pixel: Awaited<ReturnType<typeof registerPixelRoutes>> | null = null;
const sealer = new EventSealer({
  clock: systemClock,
  ...(env.SEAL_EPOCH_MS ? { epochMs: Number(env.SEAL_EPOCH_MS) } : {}),
});
if (env.BARE === '1') {
  // The same GIF and headers from a Fastify route with no intake at all: the floor.
  app.get('/o/:file', (_req, reply) => reply.headers(PIXEL_HEADERS).send(PIXEL_GIF));
} else if (env.STAGE) {
  // STAGE=token|lookup|seal: the intake's steps in order, stopping after the named one and
  // answering without storing anything — where the full path's time goes, step by step.
  const staged = stagedPixel(env.STAGE, store, keyRing);
  app.get('/o/:file', (request, reply) => {
    reply.hijack();
    staged(request.raw, reply.raw);
  });
} else {
  pixel = await registerPixelRoutes(app, {
    store,
    clock: systemClock,
    keyRing,
    trustProxy: 0,
    sealer,
    // wrk replays each token many times: lift the per-send budget so every open is stored.
    maxOpensPerSendPerHour: Number.POSITIVE_INFINITY,
    groupCommit: {
      ...(env.GC_DELAY_MS ? { maxDelayMs: Number(env.GC_DELAY_MS) } : {}),
      ...(env.GC_FLIGHTS ? { maxFlushesInFlight: Number(env.GC_FLIGHTS) } : {}),
    },
  });
}
await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) });
const address = app.server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);

process.once('SIGTERM', () => {
  void (async () => {
    await stopProfile();
    await app.close();
    await store.close();
    console.log(
      JSON.stringify({
        counters: pixel?.counters,
        writer: pixel?.writer.stats,
        groupsStarted: sealer.groupsStarted,
        lookups: pixel?.lookup.lookups,
      }),
    );
    process.exit(0);
  })();
});
