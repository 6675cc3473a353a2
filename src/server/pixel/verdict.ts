/**
 * Who fetched the pixel: a person's mail client (`human`), a mail provider's image proxy that
 * fetches on everyone's behalf (`proxy`), or a security scanner (`scanner`). Judged once at intake
 * from the user agent, the address and the delay since the send; only the verdict is kept (inside
 * the sealed event and as a column), never the user agent.
 *
 * Why no "client family" column: the verdict is what the product shows ("opened" vs "opened,
 * likely automated"); a browser/OS family would add a fingerprinting signal nobody asked for.
 *
 * The delay rule uses the send's registration time, which is at or before the real send, so the
 * measured delay is never shorter than the true one: the rule can miss a scanner, never brand a
 * person as one.
 */
import { isIPv4 } from 'node:net';
import type { Verdict } from '../store/store';

export interface VerdictInput {
  userAgent: string | undefined;
  /** The client address as resolved by the trusted-proxy rules. */
  ip: string;
  /** Milliseconds between the send's registration and this request. */
  sinceSendMs: number;
}

/** Opens faster than this after the send are link/attachment scanners, not people. */
export const SCANNER_WINDOW_MS = 10_000;

interface UaRule {
  verdict: Exclude<Verdict, 'human'>;
  why: string;
  test: (ua: string) => boolean;
}

/** User-agent rules, first match wins. Sources in docs/backend-storage.md. */
export const UA_RULES: readonly UaRule[] = [
  { verdict: 'proxy', why: 'Gmail image proxy', test: (ua) => /GoogleImageProxy|ggpht\.com/i.test(ua) },
  { verdict: 'proxy', why: 'Yahoo Mail image proxy', test: (ua) => /YahooMailProxy/i.test(ua) },
  // Apple Mail Privacy Protection prefetches with this bare token and nothing else; no real
  // mail client or browser sends it alone.
  { verdict: 'proxy', why: 'Apple Mail Privacy Protection', test: (ua) => ua.trim() === 'Mozilla/5.0' },
  {
    verdict: 'scanner',
    why: 'security gateway',
    test: (ua) =>
      /Barracuda|Mimecast|Proofpoint|Zscaler|IronPort|MessageLabs|Symantec|Trend ?Micro|Sophos|Forcepoint|FireEye|Trellix|Cisco/i.test(
        ua,
      ),
  },
  {
    verdict: 'scanner',
    why: 'headless or scripted fetcher',
    test: (ua) =>
      /HeadlessChrome|PhantomJS|python-|curl\/|Wget|Go-http-client|okhttp|Java\/|libwww|axios|node-fetch|undici|\bbot\b|crawler|spider|\bscan(ner)?\b/i.test(
        ua,
      ),
  },
];

/**
 * Apple's own 17.0.0.0/8 block: MPP fetches leave from Apple's network. A /8 is the first octet,
 * read straight from the dotted form (net.BlockList costs microseconds per check on the hot path).
 */
const inApple8 = (v4: string): boolean => v4.startsWith('17.');

function ipv4Of(ip: string): string | null {
  if (isIPv4(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] && isIPv4(mapped[1]) ? mapped[1] : null;
}

export function judgeOpen(input: VerdictInput): Verdict {
  const ua = input.userAgent?.trim() ?? '';
  for (const rule of UA_RULES) if (rule.test(ua)) return rule.verdict;
  const v4 = ipv4Of(input.ip);
  if (v4 && inApple8(v4)) return 'proxy';
  // Every real mail client names itself; an empty user agent is a script.
  if (ua === '') return 'scanner';
  if (input.sinceSendMs < SCANNER_WINDOW_MS) return 'scanner';
  return 'human';
}
