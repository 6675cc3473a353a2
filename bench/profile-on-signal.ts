/**
 * For bench/pixel.ts with PROF=<dir>: a V8 CPU profile of this process's main thread covering the
 * measured run only (not start-up or warm-up). SIGUSR2 starts the profiler; `stopProfile()` (called
 * on SIGTERM) writes `<PROF_FILE>`. The same profile format as `node --cpu-prof`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.PROF_FILE ?? '';
let session: Session | null = null;

if (file) {
  process.on('SIGUSR2', () => {
    if (session) return;
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session?.post('Profiler.start'));
  });
}

export function stopProfile(): Promise<void> {
  const s = session;
  if (!s) return Promise.resolve();
  return new Promise((resolve) => {
    s.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(file, JSON.stringify(result.profile));
      s.disconnect();
      resolve();
    });
  });
}
