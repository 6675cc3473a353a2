/**
 * No personal data in logs (security.md §7 test 8): the whole realistic flow runs with logging at
 * debug level captured, then the output is searched for every sentinel value.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PixelKeyRing } from '../../../src/server/pixel/token';
import { openHarness, type Harness } from '../api/harness';
import { forbiddenStrings, runRealisticFlow, SENTINEL } from './flow';

describe('logs', () => {
  const lines: string[] = [];
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness('sqlite', '', {
      env: { LOG_LEVEL: 'debug', TRUST_PROXY_HOPS: '0' },
      logStream: new Writable({
        write(chunk, _enc, done) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
      deps: {
        pixel: undefined,
        pixelKeyRing: new PixelKeyRing([{ kid: 'p1', secret: randomBytes(32) }], 'p1'),
      },
    });
  });
  afterAll(() => h.close());

  it('hold no IP, user agent, token, address, subject or query string after a realistic flow', async () => {
    const flow = await runRealisticFlow(h);
    await h.app.close();
    const text = lines.join('\n');
    // The logs are really there (requests, refusals), so an empty capture cannot pass this test.
    expect(lines.length).toBeGreaterThan(20);
    expect(text).toContain('"route":"/api/v1/campaigns/:campaignId/sends"');
    expect(text).toContain('"authFailure":"signature"');
    for (const value of forbiddenStrings(flow)) expect(text, `log leaks ${value}`).not.toContain(value);
    expect(text).not.toContain(encodeURIComponent(SENTINEL.email));
    expect(text).not.toMatch(/"(remoteAddress|hostname|url|headers|ip|userAgent)"/);
  });
});

describe('logs of server faults', () => {
  it('keep the error type and stack frames but not a message that quotes personal data', async () => {
    const lines: string[] = [];
    const h = await openHarness('sqlite', '', {
      logStream: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    try {
      const tid = await h.onboard();
      // The store fails the way a driver might: with row values in the message.
      const failing = new Proxy(h.store, {
        get(target, prop) {
          if (prop === 'registerSends') {
            return async () => {
              throw Object.assign(new Error(`insert failed\nfor ${SENTINEL.email}\nfrom ${SENTINEL.ip}`), {
                code: 'E_SENTINEL',
              });
            };
          }
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const broken = await openHarness('sqlite', '', {
        logStream: new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
        deps: { store: failing },
      });
      try {
        const res = await broken.app.inject({
          method: 'POST',
          url: '/api/v1/campaigns/c/sends',
          headers: {
            authorization: `Bearer ${await broken.token(tid, '00000000-0000-4000-8000-000000000001')}`,
          },
          payload: { sends: [{ trackOpens: true }] },
        });
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({ error: 'internal' });
      } finally {
        await broken.close();
      }
      const text = lines.join('');
      expect(text).toContain('"code":"E_SENTINEL"');
      expect(text).toContain('"frames":');
      expect(text).not.toContain(SENTINEL.email);
      expect(text).not.toContain(SENTINEL.ip);
    } finally {
      await h.close();
    }
  });
});
