import { describe, expect, it } from 'vitest';
import { judgeOpen, SCANNER_WINDOW_MS, type VerdictInput } from '../../../src/server/pixel/verdict';
import type { Verdict } from '../../../src/server/store/store';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0';
const OUTLOOK = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)';
const IPHONE_MAIL =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const HOUR = 3_600_000;

const cases: Array<[string, VerdictInput, Verdict]> = [
  ['Outlook desktop an hour later', { userAgent: OUTLOOK, ip: '203.0.113.7', sinceSendMs: HOUR }, 'human'],
  ['webmail in Chrome', { userAgent: CHROME, ip: '2001:db8::1', sinceSendMs: HOUR }, 'human'],
  ['iPhone Mail without MPP', { userAgent: IPHONE_MAIL, ip: '198.51.100.4', sinceSendMs: HOUR }, 'human'],
  [
    'just outside the scanner window',
    { userAgent: OUTLOOK, ip: '203.0.113.7', sinceSendMs: SCANNER_WINDOW_MS },
    'human',
  ],
  [
    'Gmail image proxy',
    {
      userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      ip: '66.102.8.1',
      sinceSendMs: HOUR,
    },
    'proxy',
  ],
  [
    'Gmail proxy even seconds after send',
    { userAgent: 'GoogleImageProxy', ip: '66.102.8.1', sinceSendMs: 500 },
    'proxy',
  ],
  [
    'Yahoo Mail proxy',
    {
      userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html',
      ip: '98.136.1.1',
      sinceSendMs: HOUR,
    },
    'proxy',
  ],
  [
    'Apple MPP: bare Mozilla/5.0',
    { userAgent: 'Mozilla/5.0', ip: '104.28.1.1', sinceSendMs: 2 * HOUR },
    'proxy',
  ],
  ['Apple network address', { userAgent: IPHONE_MAIL, ip: '17.58.1.2', sinceSendMs: HOUR }, 'proxy'],
  [
    'Apple address, IPv4-mapped IPv6',
    { userAgent: IPHONE_MAIL, ip: '::ffff:17.58.1.2', sinceSendMs: HOUR },
    'proxy',
  ],
  ['Mimecast', { userAgent: 'Mimecast-URL-Protect/1.0', ip: '195.130.217.1', sinceSendMs: HOUR }, 'scanner'],
  [
    'Proofpoint',
    { userAgent: 'Mozilla/5.0 Proofpoint URL Defense', ip: '148.163.1.1', sinceSendMs: HOUR },
    'scanner',
  ],
  ['Barracuda', { userAgent: 'Barracuda Sentinel (EE)', ip: '64.235.144.1', sinceSendMs: HOUR }, 'scanner'],
  [
    'headless Chrome',
    { userAgent: CHROME.replace('Chrome/', 'HeadlessChrome/'), ip: '34.1.1.1', sinceSendMs: HOUR },
    'scanner',
  ],
  ['python script', { userAgent: 'python-requests/2.32', ip: '34.1.1.1', sinceSendMs: HOUR }, 'scanner'],
  ['no user agent', { userAgent: undefined, ip: '34.1.1.1', sinceSendMs: HOUR }, 'scanner'],
  ['blank user agent', { userAgent: '   ', ip: '34.1.1.1', sinceSendMs: HOUR }, 'scanner'],
  [
    'a browser two seconds after send',
    { userAgent: CHROME, ip: '203.0.113.7', sinceSendMs: 2000 },
    'scanner',
  ],
  ['clock skew: negative delay', { userAgent: OUTLOOK, ip: '203.0.113.7', sinceSendMs: -50 }, 'scanner'],
  [
    'a word merely containing "scan"',
    { userAgent: `${IPHONE_MAIL} ScandinavianMail/4.2`, ip: '34.1.1.1', sinceSendMs: HOUR },
    'human',
  ],
  [
    'a fetcher calling itself a scanner',
    { userAgent: 'Mozilla/5.0 (compatible; URL scanner 2.1)', ip: '34.1.1.1', sinceSendMs: HOUR },
    'scanner',
  ],
  [
    'Apple-lookalike address outside 17/8',
    { userAgent: IPHONE_MAIL, ip: '18.0.0.1', sinceSendMs: HOUR },
    'human',
  ],
  [
    'address starting 170 (not 17/8)',
    { userAgent: IPHONE_MAIL, ip: '170.17.0.1', sinceSendMs: HOUR },
    'human',
  ],
  ['17 in a later octet', { userAgent: IPHONE_MAIL, ip: '203.17.0.1', sinceSendMs: HOUR }, 'human'],
  ['last address of 17/8', { userAgent: IPHONE_MAIL, ip: '17.255.255.255', sinceSendMs: HOUR }, 'proxy'],
];

describe('open verdict', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(judgeOpen(input)).toBe(expected);
  });
});
