/**
 * Reading the internet headers Graph may return with a message (undocumented under Mail.ReadBasic,
 * so every caller copes with none). Names compare case-insensitively; only headers are read —
 * never a body or a delivery report's attached parts.
 */
import { normalizeEmail } from '../prospects/email';

export interface InternetHeader {
  name: string;
  value: string;
}

/** All values of one header, in order. */
export function headerValues(headers: readonly InternetHeader[] | undefined, name: string): string[] {
  const lower = name.toLowerCase();
  return (headers ?? []).filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

export function hasHeader(headers: readonly InternetHeader[] | undefined, name: string): boolean {
  return headerValues(headers, name).length > 0;
}

export function headerValue(headers: readonly InternetHeader[] | undefined, name: string): string | null {
  return headerValues(headers, name)[0] ?? null;
}

/** The Message-IDs named by In-Reply-To and References, in the form `<local@domain>` (lower case). */
export function referencedMessageIds(headers: readonly InternetHeader[] | undefined): string[] {
  const ids = new Set<string>();
  for (const value of [...headerValues(headers, 'in-reply-to'), ...headerValues(headers, 'references')]) {
    for (const m of value.matchAll(/<[^<>\s]+>/gu)) ids.add(m[0].toLowerCase());
  }
  return [...ids];
}

/** A Message-ID in the form referencedMessageIds returns, whatever brackets or case Graph gave it. */
export function messageIdKey(id: string): string {
  const t = id.trim().toLowerCase();
  return t.startsWith('<') ? t : `<${t}>`;
}

const IPV4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const IPV6 = String.raw`[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}`;
const IP = new RegExp(`^(?:${IPV4}|${IPV6})$`, 'iu');

/**
 * The connecting mail server's IP (graph-mail.md §3.3): the CIP of Exchange's antispam report,
 * else the SPF "sender IP is …" of Authentication-Results. It is the last hop's server, not the
 * person — the report labels it so.
 */
export function connectingServerIp(headers: readonly InternetHeader[] | undefined): string | null {
  for (const v of headerValues(headers, 'x-forefront-antispam-report')) {
    const cip = /(?:^|;)\s*CIP:\s*\[?([0-9a-f.:]+)\]?\s*(?:;|$)/iu.exec(v)?.[1];
    if (cip && IP.test(cip)) return cip;
  }
  for (const v of headerValues(headers, 'authentication-results')) {
    const ip = /sender IP is\s+\[?([0-9a-f.:]+)\]?/iu.exec(v)?.[1];
    if (ip && IP.test(ip)) return ip;
  }
  return null;
}

/** Addresses in a header or subject text (RFC 3464 "rfc822;a@b" forms included), normalised. */
export function addressesIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[^\s<>()[\]{}"';:,]+@[^\s<>()[\]{}"';:,]+\.[^\s<>()[\]{}"';:,]+/gu))
    out.add(normalizeEmail(m[0].replace(/\.$/u, '')));
  return [...out];
}
