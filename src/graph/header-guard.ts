import { HeaderOnlyViolation } from './graph-error';
import { FORBIDDEN_MESSAGE_PROPERTIES } from './message-fields';

const forbidden = new Set<string>(FORBIDDEN_MESSAGE_PROPERTIES);

/** Query options whose identifiers name properties to read, sort or filter on. */
const PROPERTY_OPTIONS = ['$select', '$expand', '$filter', '$orderby', '$search'];

/** Continuations carry the options of the first request inside an opaque token. */
const CONTINUATION_OPTIONS = ['$skiptoken', '$deltatoken'];

/**
 * Refuses any request that could read message content: a `$select`/`$expand`/`$filter`/`$orderby`
 * naming body, bodyPreview, uniqueBody, attachments, extensions or extended properties; a path through
 * one of them or to `/$value` (the MIME stream); a message read without an explicit `$select` (Graph
 * would return the body by default); and the same for every request inside a `$batch` body.
 * Runs before any token is requested or byte is sent.
 */
export function assertHeaderOnly(url: string, method: string, body?: unknown): void {
  const parsed = new URL(url, 'https://graph.invalid/v1.0/');
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    refuse(url, 'a path that cannot be decoded');
  }
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.toLowerCase());

  for (const segment of segments) {
    if (segment === '$value') refuse(url, 'the raw message stream ($value)');
    if (forbidden.has(segment)) refuse(url, `the "${segment}" path`);
  }

  const params = lowerCaseParams(parsed.searchParams);
  for (const option of PROPERTY_OPTIONS) {
    const value = params.get(option);
    if (value === undefined) continue;
    for (const name of identifiers(value)) {
      if (forbidden.has(name)) refuse(url, `"${name}" in ${option}`);
    }
  }

  const readsMessages = method.toUpperCase() === 'GET' && segments.includes('messages');
  const continuation = CONTINUATION_OPTIONS.some((o) => params.has(o));
  if (readsMessages && !continuation) {
    const select = params.get('$select');
    if (!select) refuse(url, 'a message read without $select (Graph would return the body)');
    if (select.split(',').some((s) => s.trim() === '*')) refuse(url, '$select=*');
  }

  if (segments.at(-1) === '$batch') assertBatchHeaderOnly(url, body);
}

function assertBatchHeaderOnly(url: string, body: unknown): void {
  let parsed: unknown;
  try {
    parsed = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    refuse(url, 'a $batch body that cannot be inspected');
  }
  const requests = (parsed as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests)) refuse(url, 'a $batch body that cannot be inspected');
  for (const item of requests) {
    const { url: inner, method } = (item ?? {}) as { url?: unknown; method?: unknown };
    if (typeof inner !== 'string' || typeof method !== 'string')
      refuse(url, 'a $batch request without url or method');
    // Batch URLs are relative to the version root, e.g. "/me/messages?$select=subject".
    assertHeaderOnly(`https://graph.invalid/v1.0/${inner.replace(/^\/+/, '')}`, method);
  }
}

function lowerCaseParams(params: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of params) {
    const k = key.toLowerCase();
    map.set(k, map.has(k) ? `${map.get(k)},${value}` : value);
  }
  return map;
}

/** Every property-like identifier in an OData expression, lower-cased, string literals removed. */
function identifiers(expression: string): string[] {
  const withoutLiterals = expression.replace(/'(?:[^']|'')*'/g, ' ');
  return (withoutLiterals.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((s) => s.toLowerCase());
}

function refuse(url: string, what: string): never {
  const path = url.split('?')[0];
  throw new HeaderOnlyViolation(
    `Refused before sending: ${what} would read message content. Candor reads message headers only (request to ${path}).`,
  );
}
