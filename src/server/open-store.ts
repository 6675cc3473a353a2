import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './config';
import { createStore } from './store/create-store';
import type { Store } from './store/store';

/** Opens and migrates the configured store, creating the (private) data directory for SQLite. */
export async function openStore(config: Config): Promise<Store> {
  if (config.database.kind === 'sqlite')
    mkdirSync(dirname(config.database.file), { recursive: true, mode: 0o700 });
  const store = await createStore(
    config.database.kind === 'postgres' ? config.database.url : config.database.file,
  );
  await store.migrate();
  return store;
}
