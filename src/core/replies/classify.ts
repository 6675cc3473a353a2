/**
 * What an inbound message is — a person's reply, a bounce (non-delivery report) or an automatic
 * answer such as out-of-office — judged from the sender, the subject and, when Graph returned them,
 * the internet headers. Never from a body. Delivery delays and read/delivery receipts are none of
 * these: they are recognised so they are not mistaken for replies, and then dropped.
 */
import type { MailAddress } from '../mail';
import type { ReplyKind } from '../results/types';
import { senderBlock, statusCodeIn, type SenderBlock } from './bounce-codes';
import { addressesIn, headerValue, headerValues, hasHeader, type InternetHeader } from './headers';
import { afterPrefix, subjectKey } from './subject';

/** Non-delivery report subjects, as Exchange (localised), Gmail, Postfix, Exim and Sendmail write them. */
export const BOUNCE_PREFIXES = [
  'Undeliverable',
  'Unzustellbar',
  'Non remis',
  'Impossible de remettre',
  'Non recapitabile',
  'Onbestelbaar',
  'No se puede entregar',
  'Não é possível entregar',
  'Olevererbart',
  'Ikke leveret',
  'Kan ikke leveres',
  'Ei voitu toimittaa',
  'Nie można dostarczyć',
  'Nedoručitelné',
  'Kézbesíthetetlen',
  'Teslim edilemedi',
  'Недоставленное сообщение',
  'Не удается доставить',
  '无法投递',
  '無法傳遞',
  '配信不能',
  '배달 불가',
  'Delivery Status Notification (Failure)',
  'Mail delivery failed',
  'Undelivered Mail Returned to Sender',
  'Returned mail',
  'Delivery Failure',
  'failure notice',
  'Message not delivered',
] as const;

/** Delay notices: the message is still being retried, nothing bounced (yet). */
export const DELAY_PREFIXES = [
  'Delivery delayed',
  'Delivery Status Notification (Delay)',
  'Delayed Mail',
  'Zustellung verzögert',
  'Remise différée',
  'Consegna ritardata',
  'Bezorging vertraagd',
  'Entrega retrasada',
  'Warning: could not send message',
] as const;

/** Read and delivery receipts. */
export const RECEIPT_PREFIXES = [
  'Read',
  'Not read',
  'Gelesen',
  'Ungelesen',
  'Lu',
  'Non lu',
  'Letto',
  'Gelezen',
  'Läst',
  'Læst',
  'Leído',
  'Lido',
  '已读',
  '開封済み',
  'Delivered',
  'Zugestellt',
  'Remis',
  'Consegnato',
  'Bezorgd',
  'Entregado',
] as const;

/** Automatic answers (out of office, vacation, auto-acknowledgements). */
export const AUTO_REPLY_PREFIXES = [
  'Automatic reply',
  'Auto reply',
  'Auto-reply',
  'Autoreply',
  'Out of Office',
  'Automatische Antwort',
  'Abwesend',
  'Abwesenheitsnotiz',
  'Réponse automatique',
  'Risposta automatica',
  'Respuesta automática',
  'Resposta automática',
  'Automatisch antwoord',
  'Autosvar',
  'Automatisk svar',
  'Automaattinen vastaus',
  'Automatyczna odpowiedź',
  'Automatická odpověď',
  'Automatikus válasz',
  'Otomatik yanıt',
  'Автоматический ответ',
  '自动回复',
  '自動回覆',
  '自動応答',
  '자동 회신',
] as const;

const SYSTEM_LOCAL_PARTS = /^(?:postmaster|mailer-daemon|mailerdaemon|mail-daemon|maildaemon)$/iu;
const SYSTEM_NAMES =
  /^(?:microsoft outlook|microsoft exchange|mail delivery (?:system|subsystem)|mailer-daemon)$/iu;

/** The message as reply sync sees it: Graph's header fields, plus internet headers when available. */
export interface InboundMessage {
  id: string;
  conversationId: string;
  internetMessageId?: string;
  subject: string;
  from?: MailAddress;
  receivedDateTime?: string;
  headers?: readonly InternetHeader[];
}

export type Classification =
  | {
      kind: ReplyKind;
      /** The subject this message answers, in comparison form (automatic prefixes stripped). */
      answeredSubjectKey: string;
      /** Bounces: the enhanced status code, when the subject or headers show one. */
      statusCode: string | null;
      /** Bounces: the sender's mailbox or tenant is refused — stop sending. */
      senderBlock: SenderBlock | null;
      /** Bounces: the addresses the report's headers name as failed (X-Failed-Recipients, …), normalised. */
      failedRecipients: string[];
    }
  | { kind: 'delay' | 'receipt' };

/** A message that is a reply, a bounce or an out-of-office (not a receipt or delay notice). */
export type Answer = Extract<Classification, { answeredSubjectKey: string }>;

export function isAnswer(c: Classification): c is Answer {
  return c.kind === 'reply' || c.kind === 'bounce' || c.kind === 'out-of-office';
}

/** Is the sender a mail system (postmaster, MAILER-DAEMON, "Microsoft Outlook")? */
export function isSystemSender(from: MailAddress | undefined): boolean {
  if (!from) return false;
  const local = from.address.split('@')[0] ?? '';
  return SYSTEM_LOCAL_PARTS.test(local) || SYSTEM_NAMES.test((from.name ?? '').trim());
}

function reportType(headers: readonly InternetHeader[] | undefined): string | null {
  const ct = headerValue(headers, 'content-type') ?? '';
  if (!/multipart\/report/iu.test(ct)) return null;
  return /report-type\s*=\s*"?([\w-]+)/iu.exec(ct)?.[1]?.toLowerCase() ?? 'unknown';
}

function isAutoSubmitted(headers: readonly InternetHeader[] | undefined): boolean {
  const auto = headerValue(headers, 'auto-submitted');
  if (auto && !/^\s*no\b/iu.test(auto)) return true;
  if (hasHeader(headers, 'x-autoreply') || hasHeader(headers, 'x-autorespond')) return true;
  return /auto[_-]?reply/iu.test(headerValue(headers, 'precedence') ?? '');
}

/** Header values that may carry a bounce's status and diagnostic (never the report's body parts). */
function bounceEvidence(m: InboundMessage): string {
  const parts = [m.subject];
  for (const h of m.headers ?? []) {
    if (/^(?:diagnostic-code|status|x-failed-recipients)$|ndr|dsn|diagnostic/iu.test(h.name))
      parts.push(h.value);
  }
  return parts.join('\n');
}

function failedRecipients(m: InboundMessage): string[] {
  const named = ['x-failed-recipients', 'original-recipient', 'final-recipient'].flatMap((n) =>
    headerValues(m.headers, n),
  );
  return [...new Set(named.flatMap(addressesIn))];
}

export function classify(m: InboundMessage): Classification {
  const headers = m.headers;
  if (afterPrefix(m.subject, DELAY_PREFIXES) !== null) return { kind: 'delay' };
  const report = reportType(headers);
  const ndrSubject = afterPrefix(m.subject, BOUNCE_PREFIXES);
  const bounce =
    report === 'delivery-status' ||
    hasHeader(headers, 'x-ms-exchange-message-is-ndr') ||
    hasHeader(headers, 'x-failed-recipients') ||
    ndrSubject !== null ||
    isSystemSender(m.from);
  if (bounce) {
    const evidence = bounceEvidence(m);
    const statusCode = statusCodeIn(evidence);
    return {
      kind: 'bounce',
      answeredSubjectKey: subjectKey(ndrSubject ?? m.subject),
      statusCode,
      senderBlock: senderBlock(statusCode, evidence),
      failedRecipients: failedRecipients(m),
    };
  }
  if (report === 'disposition-notification' || afterPrefix(m.subject, RECEIPT_PREFIXES) !== null)
    return { kind: 'receipt' };
  const autoSubject = afterPrefix(m.subject, AUTO_REPLY_PREFIXES);
  // X-Auto-Response-Suppress alone is not enough: some clients put it on ordinary mail.
  const suppress = hasHeader(headers, 'x-auto-response-suppress');
  if (autoSubject !== null || isAutoSubmitted(headers) || (suppress && /auto/iu.test(m.subject))) {
    return {
      kind: 'out-of-office',
      answeredSubjectKey: subjectKey(autoSubject ?? m.subject),
      statusCode: null,
      senderBlock: null,
      failedRecipients: [],
    };
  }
  return {
    kind: 'reply',
    answeredSubjectKey: subjectKey(m.subject),
    statusCode: null,
    senderBlock: null,
    failedRecipients: [],
  };
}
