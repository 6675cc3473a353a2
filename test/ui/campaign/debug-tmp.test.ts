import { it, vi } from 'vitest';
import { World } from './two-devices';
it('debug', async () => {
  vi.stubGlobal('CompressionStream', undefined);
  const world = new World();
  await world.seed(3);
  const a = world.device('A');
  const b = world.device('B');
  await a.boot();
  await world.runFor(1411);
  b.offline = true;
  void world.clock.sleep(72647).then(() => (b.offline = false));
  await world.runFor(74057 - 1411);
  console.log('boot B', world.sends.length, a.status());
  const p = b.boot();
  let done = false; void p.then(() => (done = true));
  for (let i = 0; i < 20; i++) { await world.runFor(1000); console.log(i, done, b.page?.controller.getState().phase, world.clock.pending); }
});
