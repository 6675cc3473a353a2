/**
 * The pixel intake cut short, for bench/pixel.ts: the same steps as src/server/pixel/intake.ts, in
 * the same order, with the same modules, stopping after `stage` and answering the GIF. Nothing is
 * stored. Measuring each cut in turn shows what every step adds to a request in place (with HTTP
 * parsing and the other steps competing for the CPU's caches), which micro-benchmarks overstate.
 */
import { systemClock } from '../src/shared/clock';
import type { Store } from '../src/server/store/store';
import { PIXEL_GIF, PIXEL_HEADERS } from '../src/server/pixel/gif';
import { clientIp, newEventId } from '../src/server/pixel/intake';
import type { PixelHandler } from '../src/server/pixel/routes';
import { EventSealer } from '../src/server/pixel/seal';
import type { PixelKeyRing } from '../src/server/pixel/token';
import { judgeOpen } from '../src/server/pixel/verdict';

export const STAGES = ['token', 'lookup', 'seal'] as const;

export function stagedPixel(stage: string, store: Store, keyRing: PixelKeyRing): PixelHandler {
  if (!(STAGES as readonly string[]).includes(stage))
    throw new Error(`STAGE must be one of ${STAGES.join(', ')}`);
  const sealer = new EventSealer({ clock: systemClock });
  const run = async (file: string, ip: string, userAgent: string | undefined) => {
    const sendId = keyRing.verify(file.slice(0, -4));
    if (sendId === null || stage === 'token') return;
    const send = await store.getSendForPixel(sendId);
    if (!send?.userKey || stage === 'lookup') return;
    const at = systemClock.now();
    const verdict = judgeOpen({ userAgent, ip, sinceSendMs: at - send.createdAt });
    const ids = { tid: send.tid, oid: send.oid, sendId, eventId: newEventId(at) };
    await sealer.seal(send.userKey, ids, { ip, at, verdict });
  };
  return (req, res) => {
    const file = (req.url ?? '').slice(3);
    void run(file, clientIp(req.socket.remoteAddress, undefined, 0), req.headers['user-agent']).then(() => {
      res.writeHead(200, PIXEL_HEADERS);
      res.end(PIXEL_GIF);
    });
  };
}
