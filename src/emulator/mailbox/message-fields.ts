import { accessDenied, badRequest, notEmulated, unknownProperty } from './errors';
import type { GraphMessage } from './types';

/** Structural properties of `message` (with inherited `outlookItem` and `entity`) in Graph v1.0's CSDL. */
export const MESSAGE_PROPERTIES = [
  'id',
  'categories',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'bccRecipients',
  'body',
  'bodyPreview',
  'ccRecipients',
  'conversationId',
  'conversationIndex',
  'flag',
  'from',
  'hasAttachments',
  'importance',
  'inferenceClassification',
  'internetMessageHeaders',
  'internetMessageId',
  'isDeliveryReceiptRequested',
  'isDraft',
  'isRead',
  'isReadReceiptRequested',
  'parentFolderId',
  'receivedDateTime',
  'replyTo',
  'sender',
  'sentDateTime',
  'subject',
  'toRecipients',
  'uniqueBody',
  'webLink',
] as const;

/** Navigation properties of `message`: never returned by the emulator. */
const MESSAGE_NAVIGATION = [
  'attachments',
  'extensions',
  'singleValueExtendedProperties',
  'multiValueExtendedProperties',
];

/**
 * What Mail.ReadBasic excludes: "body, bodyPreview, uniqueBody, attachments, extensions, and any extended
 * properties" (permissions reference, quoted in graph-mail.md §1.1).
 */
export const READ_BASIC_EXCLUDED = new Set(['body', 'bodyPreview', 'uniqueBody', ...MESSAGE_NAVIGATION]);

/** Returned only on `$select` (message resource docs for internetMessageHeaders; uniqueBody likewise). */
const SELECT_ONLY = new Set(['internetMessageHeaders', 'uniqueBody']);

const CANONICAL = new Map<string, string>(
  [...MESSAGE_PROPERTIES, ...MESSAGE_NAVIGATION].map((name) => [name.toLowerCase(), name]),
);

export interface MailAccess {
  /** Mail.Read or Mail.ReadWrite: the whole message. */
  full: boolean;
  /** What Mail.ReadBasic does with internetMessageHeaders: undocumented, so configurable. */
  headersUnderReadBasic: HeadersUnderReadBasic;
}

/**
 * Whether Mail.ReadBasic returns `internetMessageHeaders` is documented nowhere (graph-mail.md §1.3).
 * `returned` (default: it is not in the exclusion list), `omitted` (silently left out) or `forbidden` (403).
 */
export type HeadersUnderReadBasic = 'returned' | 'omitted' | 'forbidden';

/** Parses `$select` for messages: names are case-insensitive, unknown ones are a 400 as in Graph. */
export function parseMessageSelect(raw: string | null, access: MailAccess): string[] | null {
  if (raw === null) return null;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw badRequest("The query specified in the URI is not valid. '$select' is empty.");
  const out: string[] = [];
  for (const name of names) {
    const canonical = CANONICAL.get(name.toLowerCase());
    if (!canonical) throw unknownProperty(name);
    if (!access.full && READ_BASIC_EXCLUDED.has(canonical)) throw accessDenied();
    if (
      !access.full &&
      canonical === 'internetMessageHeaders' &&
      access.headersUnderReadBasic === 'forbidden'
    )
      throw accessDenied();
    if (MESSAGE_NAVIGATION.includes(canonical))
      throw notEmulated(`$select of the navigation property '${canonical}'`);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/** The JSON Graph returns for one message under the caller's `$select` and permissions. */
export function projectMessage(
  message: GraphMessage,
  select: string[] | null,
  access: MailAccess,
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': `W/"${message.changeKey}"` };
  const names =
    select ??
    MESSAGE_PROPERTIES.filter((n) => !SELECT_ONLY.has(n) && (access.full || !READ_BASIC_EXCLUDED.has(n)));
  out.id = message.id;
  for (const name of names) {
    if (name === 'internetMessageHeaders' && !access.full && access.headersUnderReadBasic !== 'returned')
      continue;
    const value = (message as unknown as Record<string, unknown>)[name];
    if (value !== undefined) out[name] = structuredClone(value);
  }
  return out;
}
