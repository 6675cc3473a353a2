/**
 * A client that disconnects before its request is handled (issue #8 item 2): the per-IP rate limit
 * must still count it and must never fail the request with a server error.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness';

interface LogLine {
  level: number;
  msg?: string;
  res?: { statusCode?: number };
}

let h: Harness;
const lines: LogLine[] = [];
let onLine: (() => void) | null = null;
const logStream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as LogLine);
    onLine?.();
    done();
  },
});

/** Resolves once a log line matching `pred` has been written (ends with the test's own timeout). */
function logged(pred: (l: LogLine) => boolean): Promise<LogLine> {
  return new Promise((resolve) => {
    const check = () => {
      const hit = lines.find(pred);
      if (hit) {
        onLine = null;
        resolve(hit);
      }
    };
    onLine = check;
    check();
  });
}

beforeAll(async () => {
  h = await openHarness('sqlite', '', { logStream, env: { RATE_LIMIT_IP_PER_MINUTE: '2' } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => h.close());

it('counts a request whose socket is already gone against the per-IP limit, without a server error', async () => {
  const { port } = h.app.server.address() as { port: number };
  // A valid request line and headers, then junk: the parser fails and Node destroys the socket
  // while the parsed request is still on its way through the hooks.
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write('GET /api/v1/me/key HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n\u0000\u0001junk junk\r\n\r\n');
  socket.resume();
  await new Promise<void>((r) => socket.once('close', () => r()));
  // The request reaches either the token check (limit passed) or the error handler (limit threw).
  await logged((l) => l.msg === 'api token rejected' || l.level >= 50);

  expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  // That request used one of the two allowed per minute: the next passes (401, no token), the third is limited.
  const url = `http://127.0.0.1:${port}/api/v1/me/key`;
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url)).status).toBe(429);
});
