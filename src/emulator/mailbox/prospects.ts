import { stableHash } from './ids';
import { LANGUAGES, type Language } from './languages';
import type { Behaviour, BounceStyle, InternetMessageHeader, ProspectResponse } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Delays of the tagged behaviours, counted from delivery of our message. */
export const TAG_DELAYS = {
  reply: 30 * MINUTE,
  replyLate: 3 * 24 * HOUR,
  bounce: 1 * MINUTE,
  ooo: 2 * MINUTE,
} as const;

const KIND_TAGS = new Set([
  'reply',
  'reply-late',
  'reply-new-subject',
  'reply-other-address',
  'bounce',
  'bounce-full',
  'bounce-postfix',
  'bounce-gmail',
  'bounce-exim',
  'bounce-code',
  'ooo',
  'ooo-vacation',
  'ooo-then-reply',
  'silent',
]);

const BOUNCE_STYLES: Record<string, BounceStyle> = {
  'bounce-postfix': 'postfix',
  'bounce-gmail': 'gmail',
  'bounce-exim': 'exim',
  'bounce-code': 'code-in-subject',
};

/** What the recruiter does with an answer after it arrived (`+read`, `+flagged`, `+moved`, `+deleted`). */
function actionsFrom(tags: string[]): ProspectResponse['then'] {
  const then: NonNullable<ProspectResponse['then']> = [];
  if (tags.includes('read')) then.push({ afterMs: 5 * MINUTE, action: 'read' });
  if (tags.includes('flagged')) then.push({ afterMs: 6 * MINUTE, action: 'flag' });
  if (tags.includes('moved')) then.push({ afterMs: 10 * MINUTE, action: 'move', to: 'archive' });
  if (tags.includes('deleted')) then.push({ afterMs: 15 * MINUTE, action: 'delete' });
  return then.length ? then : undefined;
}

/** `reply-after-2` → kind `reply`, answering the 2nd message; `reply` → kind `reply`, default messages. */
const AFTER = /^(.+)-after-([1-9])$/;

function kindTag(tag: string): { kind: string; onMessage?: number } | null {
  const after = AFTER.exec(tag);
  if (after && KIND_TAGS.has(after[1]!) && after[1] !== 'silent') {
    return { kind: after[1]!, onMessage: Number(after[2]) };
  }
  return KIND_TAGS.has(tag) ? { kind: tag } : null;
}

/**
 * A behaviour from address tags, or null when the address names no behaviour. Several kind tags make
 * a script (`ooo+reply-after-2`: away for the first message, answers the follow-up).
 */
function fromTags(tags: string[]): Behaviour | null {
  const kinds = tags.map(kindTag).filter((k): k is { kind: string; onMessage?: number } => k !== null);
  if (kinds.length === 0) return null;
  const behaviours = kinds.map((k) => {
    const b = fromKindTag(k.kind, tags);
    if (k.onMessage === undefined || b.kind === 'silent') return b;
    if (b.kind === 'script')
      return { ...b, responses: b.responses.map((r) => ({ ...r, onMessage: k.onMessage })) };
    return { ...b, onMessage: k.onMessage };
  });
  if (behaviours.length === 1) return behaviours[0]!;
  const responses = behaviours.flatMap((b) =>
    b.kind === 'silent' ? [] : b.kind === 'script' ? b.responses : [b],
  );
  return responses.length === 0 ? { kind: 'silent' } : { kind: 'script', responses };
}

function fromKindTag(kind: string, tags: string[]): Behaviour {
  if (kind === 'silent') return { kind: 'silent' };
  const language = (LANGUAGES as readonly string[]).find((l) => tags.includes(`lang-${l}`)) as
    Language | undefined;
  const common: Partial<ProspectResponse> = {
    ...(language ? { language } : {}),
    ...(tags.includes('junk') ? { folder: 'junkemail' as const } : {}),
    ...(actionsFrom(tags) ? { then: actionsFrom(tags) } : {}),
  };
  switch (kind) {
    case 'reply-late':
      return { ...common, kind: 'reply', delayMs: TAG_DELAYS.replyLate };
    case 'reply':
    case 'reply-new-subject':
    case 'reply-other-address':
      return { ...common, kind, delayMs: TAG_DELAYS.reply };
    case 'ooo':
    case 'ooo-vacation':
      return {
        ...common,
        kind: 'out-of-office',
        delayMs: TAG_DELAYS.ooo,
        ...(kind === 'ooo-vacation' ? { outOfOffice: { style: 'vacation' as const } } : {}),
      };
    case 'ooo-then-reply':
      return {
        kind: 'script',
        responses: [
          { ...common, kind: 'out-of-office', delayMs: TAG_DELAYS.ooo },
          { ...common, kind: 'reply', delayMs: TAG_DELAYS.replyLate },
        ],
      };
    default:
      return {
        ...common,
        kind: 'bounce',
        delayMs: TAG_DELAYS.bounce,
        bounce: {
          reason: kind === 'bounce-full' ? 'mailbox-full' : 'unknown-recipient',
          style: BOUNCE_STYLES[kind] ?? 'exchange',
          ...(tags.includes('unthreaded') ? { threaded: false } : {}),
        },
      };
  }
}

/** 40 % English, the rest spread over the other languages. */
function languageOf(h: number): Language {
  const i = h % 15;
  return i < 6 ? 'en' : (LANGUAGES[i - 5] ?? 'en');
}

/**
 * What a prospect does, deterministically from the address. Tags in the local part win
 * (`ana+reply@…`; see TAG list in docs/emulator.md, combinable: `ana+reply+lang-de+junk+read@…`).
 * Otherwise a stable hash picks a realistic, not an optimistic, mix: 20 % reply within 1–48 h (in ten
 * languages, some with a new subject or from another address, some in Junk Email, most then read,
 * some flagged, moved or deleted), 5 % out of office (some vacation-style, half replying days later),
 * 6 % bounce in five shapes, 9 % stay silent until a follow-up (6 % answer the 2nd message, 3 % the
 * 3rd, within 1–23 h), the rest never answer.
 */
export function defaultBehaviour(address: string): Behaviour {
  const local = address.toLowerCase().split('@')[0] ?? '';
  const tagged = fromTags(local.split('+').slice(1));
  if (tagged) return tagged;
  const h = stableHash(address.toLowerCase());
  const bucket = h % 100;
  const language = languageOf(h >>> 20);
  if (bucket < 20) {
    const variant = (h >>> 8) % 20;
    const kind = variant < 3 ? 'reply-new-subject' : variant < 6 ? 'reply-other-address' : 'reply';
    const act = (h >>> 16) % 10;
    const then: ProspectResponse['then'] =
      act < 6
        ? [{ afterMs: 20 * MINUTE, action: 'read' }]
        : act === 6
          ? [{ afterMs: 20 * MINUTE, action: 'flag' }]
          : act === 7
            ? [{ afterMs: HOUR, action: 'move', to: 'archive' }]
            : act === 8
              ? [{ afterMs: 2 * HOUR, action: 'delete' }]
              : undefined;
    return {
      kind,
      delayMs: HOUR + (Math.floor(h / 100) % 47) * HOUR,
      language,
      prefixVariant: (h >>> 4) % 2,
      ...((h >>> 12) % 10 === 0 ? { folder: 'junkemail' as const } : {}),
      ...(then ? { then } : {}),
    };
  }
  if (bucket < 25) {
    const ooo: ProspectResponse = {
      kind: 'out-of-office',
      delayMs: TAG_DELAYS.ooo,
      language,
      prefixVariant: (h >>> 4) % 2,
      ...((h >>> 8) % 4 === 0 ? { outOfOffice: { style: 'vacation' as const } } : {}),
    };
    return (h >>> 10) % 2 === 0
      ? { kind: 'script', responses: [ooo, { kind: 'reply', delayMs: 4 * 24 * HOUR, language }] }
      : ooo;
  }
  if (bucket < 31) {
    const styles: BounceStyle[] = ['exchange', 'exchange', 'gmail', 'postfix', 'exim', 'code-in-subject'];
    return {
      kind: 'bounce',
      delayMs: TAG_DELAYS.bounce,
      language,
      bounce: {
        reason: (h >>> 12) % 5 === 0 ? 'mailbox-full' : 'unknown-recipient',
        style: styles[(h >>> 8) % styles.length] ?? 'exchange',
      },
    };
  }
  if (bucket < 40) {
    // Silent at first, then answering a follow-up: the reason sequences exist.
    return {
      kind: 'reply',
      delayMs: HOUR + (Math.floor(h / 100) % 23) * HOUR,
      language,
      prefixVariant: (h >>> 4) % 2,
      onMessage: bucket < 37 ? 2 : 3,
    };
  }
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
  /** Display name in the From header; default derived from the address. */
  fromName?: string;
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
    { name: 'From', value: `${input.fromName ?? displayNameFor(input.from)} <${input.from}>` },
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
