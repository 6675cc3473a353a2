import { badRequest, inefficientFilter, invalidFilter, notEmulated, unknownProperty } from './errors';
import type { GraphMessage } from './types';

type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export interface Clause {
  property: FilterProperty;
  op: Op;
  value: string | number | boolean;
}

type FilterProperty =
  | 'sentDateTime'
  | 'receivedDateTime'
  | 'createdDateTime'
  | 'lastModifiedDateTime'
  | 'conversationId'
  | 'internetMessageId'
  | 'subject'
  | 'isRead'
  | 'importance'
  | 'from/emailAddress/address'
  | 'sender/emailAddress/address';

const DATE_PROPERTIES = new Set([
  'sentDateTime',
  'receivedDateTime',
  'createdDateTime',
  'lastModifiedDateTime',
]);
const FILTERABLE = new Map<string, FilterProperty>(
  (
    [
      'sentDateTime',
      'receivedDateTime',
      'createdDateTime',
      'lastModifiedDateTime',
      'conversationId',
      'internetMessageId',
      'subject',
      'isRead',
      'importance',
      'from/emailAddress/address',
      'sender/emailAddress/address',
    ] as const
  ).map((p) => [p.toLowerCase(), p]),
);
/** Collections of recipients: Graph rejects `any()` lambdas on them (graph-mail.md §3.1). */
const RECIPIENT_COLLECTIONS = /^(toRecipients|ccRecipients|bccRecipients|replyTo)\b/i;
const KNOWN_OTHER =
  /^(body|bodyPreview|uniqueBody|hasAttachments|categories|flag|parentFolderId|webLink|isDraft|changeKey)\b/i;

/** Splits on ` and ` outside quoted strings; an unterminated quote is an invalid filter. */
function splitAnd(filter: string): string[] {
  const parts: string[] = [''];
  const token = /'(?:[^']|'')*'|\s+and\s+|[^']/giy;
  let consumed = 0;
  for (let m = token.exec(filter); m; m = token.exec(filter)) {
    consumed = token.lastIndex;
    if (/^\s+and\s+$/i.test(m[0])) parts.push('');
    else parts[parts.length - 1] += m[0];
  }
  if (consumed !== filter.length) throw invalidFilter();
  return parts.map((p) => p.trim());
}

function parseValue(property: FilterProperty, raw: string): string | number | boolean {
  if (DATE_PROPERTIES.has(property)) {
    const ms = Date.parse(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms)) throw invalidFilter();
    return ms;
  }
  if (property === 'isRead') {
    if (raw !== 'true' && raw !== 'false') throw invalidFilter();
    return raw === 'true';
  }
  const m = /^'((?:[^']|'')*)'$/.exec(raw);
  if (!m) throw invalidFilter();
  return (m[1] ?? '').replace(/''/g, "'");
}

/** Parses the subset of OData `$filter` the emulator models for messages (clauses joined by `and`). */
export function parseMessageFilter(raw: string | null): Clause[] {
  if (raw === null) return [];
  if (!raw.trim()) throw invalidFilter();
  return splitAnd(raw).map((part) => {
    if (RECIPIENT_COLLECTIONS.test(part)) throw invalidFilter();
    const m = /^([A-Za-z/]+)\s+(eq|ne|gt|ge|lt|le)\s+(.+)$/i.exec(part);
    if (!m) {
      if (/^\(|\bor\b|\bnot\b|^\w+\(/i.test(part)) throw notEmulated(`the $filter expression '${part}'`);
      throw invalidFilter();
    }
    const [, name = '', op = '', value = ''] = m;
    const property = FILTERABLE.get(name.toLowerCase());
    if (!property) {
      if (KNOWN_OTHER.test(name)) throw notEmulated(`$filter on '${name}'`);
      throw unknownProperty(name);
    }
    return { property, op: op.toLowerCase() as Op, value: parseValue(property, value.trim()) };
  });
}

function valueOf(message: GraphMessage, property: FilterProperty): string | number | boolean {
  switch (property) {
    case 'from/emailAddress/address':
      return message.from.emailAddress.address.toLowerCase();
    case 'sender/emailAddress/address':
      return message.sender.emailAddress.address.toLowerCase();
    default: {
      const v = message[property];
      return DATE_PROPERTIES.has(property) ? Date.parse(v as string) : (v as string | boolean);
    }
  }
}

function compare(a: string | number | boolean, op: Op, b: string | number | boolean): boolean {
  // Exchange compares strings case-insensitively.
  const x = typeof a === 'string' ? a.toLowerCase() : a;
  const y = typeof b === 'string' ? b.toLowerCase() : b;
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}

export function matchesFilter(message: GraphMessage, clauses: Clause[]): boolean {
  return clauses.every((c) => compare(valueOf(message, c.property), c.op, c.value));
}

export interface OrderTerm {
  property: string;
  desc: boolean;
}

const ORDERABLE = new Map<string, string>(
  [
    'receivedDateTime',
    'sentDateTime',
    'createdDateTime',
    'lastModifiedDateTime',
    'subject',
    'importance',
    'isRead',
    'conversationId',
    'from/emailAddress/address',
    'from/emailAddress/name',
  ].map((p) => [p.toLowerCase(), p]),
);

export function parseOrderBy(raw: string | null): OrderTerm[] {
  if (raw === null) return [];
  return raw.split(',').map((term) => {
    const m = /^\s*([A-Za-z/]+)(?:\s+(asc|desc))?\s*$/i.exec(term);
    if (!m) throw badRequest(`Invalid $orderby expression '${term.trim()}'.`);
    const property = ORDERABLE.get((m[1] ?? '').toLowerCase());
    if (!property) throw unknownProperty(m[1] ?? '');
    return { property, desc: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

/**
 * Graph's rule for `$filter` with `$orderby` on messages (user-list-messages.md): ordered properties
 * must lead the filter, in the same order; else InefficientFilter. Trailing `$orderby` terms absent
 * from the filter are allowed, as query-parameters.md's own example (`subject,importance,receivedDateTime`) shows.
 */
export function checkFilterOrder(clauses: Clause[], order: OrderTerm[]): void {
  if (clauses.length === 0 || order.length === 0) return;
  const filterProps: string[] = [];
  for (const c of clauses)
    if (!filterProps.includes(c.property.toLowerCase())) filterProps.push(c.property.toLowerCase());
  const ordered = order.map((t) => t.property.toLowerCase());
  let k = 0;
  while (k < ordered.length && ordered[k] === filterProps[k]) k++;
  if (k === 0 || ordered.slice(k).some((p) => filterProps.includes(p))) throw inefficientFilter();
}

function sortKey(message: GraphMessage, property: string): string | number | boolean {
  if (property === 'from/emailAddress/address') return message.from.emailAddress.address.toLowerCase();
  if (property === 'from/emailAddress/name') return (message.from.emailAddress.name ?? '').toLowerCase();
  const v = (message as unknown as Record<string, unknown>)[property];
  if (DATE_PROPERTIES.has(property)) return Date.parse(v as string);
  return typeof v === 'string' ? v.toLowerCase() : (v as number | boolean);
}

/** Sorts by the `$orderby` terms; Exchange's default for message lists is newest received first. */
export function sortMessages(messages: GraphMessage[], order: OrderTerm[]): GraphMessage[] {
  const terms = order.length ? order : [{ property: 'receivedDateTime', desc: true }];
  return [...messages].sort((a, b) => {
    for (const t of terms) {
      const x = sortKey(a, t.property);
      const y = sortKey(b, t.property);
      if (x !== y) return (x < y ? -1 : 1) * (t.desc ? -1 : 1);
    }
    return 0;
  });
}

/** `$top` for messages: "within the range of 1 and 1000" (user-list-messages.md). */
export function parseTop(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw badRequest(
      `Invalid value '${raw}' for $top; it must be between 1 and 1000.`,
      'ErrorInvalidParameter',
    );
  return n;
}

export function parseSkip(raw: string | null): number {
  if (raw === null) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`Invalid value '${raw}' for $skip.`, 'ErrorInvalidParameter');
  return n;
}
