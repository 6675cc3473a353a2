/**
 * The process entry (`npm start`): one process is a whole deployment — API, pixel, task pane, and
 * in demo mode the emulated mailbox and identity issuer. Configuration comes from the environment
 * (src/server/config.ts, docs/backend.md).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemClock } from '../shared/clock';
import { buildApp } from './app';
import { ConfigError, DEMO_TENANT_ID, loadConfig, type Config } from './config';
import { setupDemo } from './demo';
import { createLogger } from './logging';
import { localManifest } from './manifest-origin';
import { loadPixelKeyRing } from './pixel/key-file';
import { startPurgeSchedule } from './retention/scheduler';
import { openStore } from './open-store';

async function main(config: Config): Promise<void> {
  const clock = systemClock;
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);

  const demo = config.mode === 'demo' ? await setupDemo(config, store, clock) : undefined;
  const manifest = localManifest(resolve('dist'), config.publicUrl, config.dataDir);
  const app = await buildApp(config, {
    https: config.tls && {
      cert: readPem('TLS_CERT_FILE', config.tls.certFile),
      key: readPem('TLS_KEY_FILE', config.tls.keyFile),
    },
    manifestXml: manifest?.xml,
    store,
    clock,
    logger,
    keys: demo?.keys,
    registerEmulator: demo?.registerEmulator,
    pixelKeyRing: loadPixelKeyRing({ ...config.pixelKeys, dataDir: config.dataDir }),
    staticRoot: resolve('dist'),
    officeJsFile: config.mode === 'demo' ? resolve('node_modules/@microsoft/office-js/dist/office.js') : null,
    version: process.env.npm_package_version,
  });

  const purge = startPurgeSchedule(
    {
      store,
      clock,
      graceDays: config.retention.graceDays,
      batchSize: config.retention.batchSize,
      intervalMs: config.retention.intervalMinutes * 60_000,
    },
    {
      purged: (p) => logger.info({ tenant: p.tid, deleted: p.deleted, record: p.record.id }, 'tenant purged'),
      failed: (err) => logger.error({ err }, 'purge run failed; retrying next interval'),
      overdue: (tenants) =>
        logger.error({ tenants }, 'tenant data past contract end + 45 days: purge overdue'),
    },
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await purge.stop();
    await app.close(); // stops accepting, then flushes the pixel's pending group commit
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const db = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL (DATABASE_URL)';
  console.log(`\nCandor is running (${config.mode} mode) on ${db}`);
  console.log(`  Task pane:  ${config.publicUrl}/taskpane.html`);
  console.log(`  API:        ${config.publicUrl}/api/v1  (OpenAPI: ${config.publicUrl}/openapi.json)`);
  if (manifest) {
    console.log(`  Manifest:   ${config.publicUrl}/manifest.xml`);
    if (manifest.savedAs) console.log(`              for this address, saved as ${manifest.savedAs}`);
    if (!config.publicUrl.startsWith('https://'))
      console.log('              Outlook loads add-ins only over trusted HTTPS: `npm run start:https`');
  }
  if (demo) console.log(`  Demo tenant ${DEMO_TENANT_ID}; API token for curl: npm run token`);
  console.log(`  Data:       ${join(config.dataDir)}\n`);
}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${variable}: ${file} could not be read (${(err as Error).message})`);
  }
}

try {
  await main(loadConfig());
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
