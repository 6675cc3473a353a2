import { stableHash } from './ids';
import type { Behaviour, InternetMessageHeader } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Delays of the tagged behaviours, counted from delivery of our message. */
export const TAG_DELAYS = {
  reply: 30 * MINUTE,
  replyLate: 3 * 24 * HOUR,
  bounce: 1 * MINUTE,
  ooo: 2 * MINUTE,
} as const;

/**
 * What a prospect does, deterministically from the address. A tag in the local part wins
 * (`ana+reply@…`, `+reply-late`, `+silent`, `+bounce`, `+ooo`); otherwise a stable hash picks:
 * 25% reply within 1–48 h, 5% out of office, 5% bounce, the rest never answer.
 */
export function defaultBehaviour(address: string): Behaviour {
  const local = address.toLowerCase().split('@')[0] ?? '';
  const tags = local.split('+').slice(1);
  if (tags.includes('reply-late')) return { kind: 'reply', delayMs: TAG_DELAYS.replyLate };
  if (tags.includes('reply')) return { kind: 'reply', delayMs: TAG_DELAYS.reply };
  if (tags.includes('silent')) return { kind: 'silent' };
  if (tags.includes('bounce')) return { kind: 'bounce', delayMs: TAG_DELAYS.bounce };
  if (tags.includes('ooo')) return { kind: 'ooo', delayMs: TAG_DELAYS.ooo };
  const h = stableHash(address.toLowerCase());
  const bucket = h % 100;
  if (bucket < 25) return { kind: 'reply', delayMs: HOUR + (Math.floor(h / 100) % 47) * HOUR };
  if (bucket < 30) return { kind: 'ooo', delayMs: TAG_DELAYS.ooo };
  if (bucket < 35) return { kind: 'bounce', delayMs: TAG_DELAYS.bounce };
  return { kind: 'silent' };
}

/** The connecting server's address: an RFC 5737 documentation address, stable per sender domain. */
export function connectingIp(address: string): string {
  const domain = (address.split('@')[1] ?? address).toLowerCase();
  const h = stableHash(domain);
  const net = h % 2 === 0 ? '203.0.113' : '198.51.100';
  return `${net}.${1 + (Math.floor(h / 2) % 254)}`;
}

/** A display name a real client would show for an address: `ana.lima+reply@x` → "Ana Lima". */
export function displayNameFor(address: string): string {
  const local = (address.split('@')[0] ?? '').split('+')[0] ?? '';
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** RFC 5322 date, as in Received and Date headers. */
function rfc5322(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export interface InboundHeadersInput {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  sentMs: number;
  receivedMs: number;
  networkMessageId: string;
  inReplyTo?: string;
  extra?: InternetMessageHeader[];
}

/**
 * The header block Exchange Online keeps on an inbound message: the Received chain ending at the
 * connecting server (CIP), Authentication-Results naming the sender IP, the antispam report, and
 * X-MS-Exchange-Organization-* stamps (graph-mail.md §3.3; Defender "Anti-spam message headers").
 */
export function inboundHeaders(input: InboundHeadersInput): InternetMessageHeader[] {
  const ip = connectingIp(input.from);
  const senderDomain = (input.from.split('@')[1] ?? 'example.org').toLowerCase();
  const h: InternetMessageHeader[] = [
    {
      name: 'Received',
      value: `from AM0PR02MB1234.eurprd02.prod.outlook.com (2603:10a6:208:1::1) by DB9PR02MB5678.eurprd02.prod.outlook.com with HTTPS; ${rfc5322(input.receivedMs)}`,
    },
    {
      name: 'Received',
      value: `from mail.${senderDomain} (${ip}) by AM0PR02MB1234.mail.protection.outlook.com (10.167.16.1) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8000.0 via Frontend Transport; ${rfc5322(input.receivedMs - 2000)}`,
    },
    {
      name: 'Authentication-Results',
      value: `spf=pass (sender IP is ${ip}) smtp.mailfrom=${senderDomain}; dkim=pass (signature was verified) header.d=${senderDomain};dmarc=pass action=none header.from=${senderDomain};compauth=pass reason=100`,
    },
    {
      name: 'Received-SPF',
      value: `Pass (protection.outlook.com: domain of ${senderDomain} designates ${ip} as permitted sender)`,
    },
    { name: 'From', value: `${displayNameFor(input.from)} <${input.from}>` },
    { name: 'To', value: input.to },
    { name: 'Subject', value: input.subject },
    { name: 'Date', value: rfc5322(input.sentMs) },
    { name: 'Message-ID', value: input.messageId },
  ];
  if (input.inReplyTo) {
    h.push({ name: 'In-Reply-To', value: input.inReplyTo }, { name: 'References', value: input.inReplyTo });
  }
  h.push(
    { name: 'MIME-Version', value: '1.0' },
    ...(input.extra ?? []),
    { name: 'Return-Path', value: input.from },
    { name: 'X-MS-Exchange-Organization-Network-Message-Id', value: input.networkMessageId },
    { name: 'X-MS-Exchange-Organization-AuthSource', value: 'AM0PR02MB1234.mail.protection.outlook.com' },
    { name: 'X-MS-Exchange-Organization-AuthAs', value: 'Anonymous' },
    { name: 'X-MS-Exchange-Organization-SCL', value: '1' },
    {
      name: 'X-Forefront-Antispam-Report',
      value: `CIP:${ip};CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.${senderDomain};PTR:mail.${senderDomain};CAT:NONE;SFS:;DIR:INB;`,
    },
    {
      name: 'X-MS-Exchange-Organization-ExpirationStartTime',
      value: new Date(input.receivedMs).toISOString(),
    },
  );
  return h;
}
