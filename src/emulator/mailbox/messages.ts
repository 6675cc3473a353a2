import { MAIL_FULL_READ_SCOPES, MAIL_READ_SCOPES, hasAny, type HandlerContext } from './context';
import { ODATA_JSON, accessDenied, itemNotFound, notEmulated } from './errors';
import { READ_BASIC_EXCLUDED, parseMessageSelect, projectMessage, type MailAccess } from './message-fields';
import {
  checkFilterOrder,
  matchesFilter,
  parseMessageFilter,
  parseOrderBy,
  parseSkip,
  parseTop,
  sortMessages,
} from './query';
import { textOf } from './mailbox';
import type { FolderName, InternalResponse, ItemBody } from './types';

/** Default page size of message lists (user-list-messages.md: "The default page size is 10 messages"). */
const DEFAULT_PAGE = 10;

/** Checks a read permission and refuses what Mail.ReadBasic cannot do; returns the caller's access. */
export function mailAccess(ctx: HandlerContext): MailAccess {
  if (!hasAny(ctx.claims, MAIL_READ_SCOPES)) throw accessDenied();
  const access = {
    full: hasAny(ctx.claims, MAIL_FULL_READ_SCOPES),
    headersUnderReadBasic: ctx.core.headersUnderReadBasic,
  };
  const q = ctx.req.query;
  if (q.has('$search')) {
    // Mail.ReadBasic "does not include permissions to search messages".
    if (!access.full) throw accessDenied();
    throw notEmulated('$search');
  }
  const expand = q.get('$expand');
  if (expand !== null) {
    const names = expand.split(',').map((s) => s.trim().split(/[(/]/)[0]?.toLowerCase() ?? '');
    if (!access.full && names.some((n) => [...READ_BASIC_EXCLUDED].some((x) => x.toLowerCase() === n)))
      throw accessDenied();
    throw notEmulated('$expand');
  }
  return access;
}

function contextUrl(ctx: HandlerContext, collection: string, select: string[] | null): string {
  return `${ctx.req.base}/$metadata#users('${ctx.claims.oid}')/${collection}${select ? `(${select.join(',')})` : ''}`;
}

/**
 * `Prefer: outlook.body-content-type="text"` returns body and uniqueBody as text and confirms with
 * Preference-Applied (message-get.md Example 3).
 */
function bodyPreference(
  ctx: HandlerContext,
  headers: Record<string, string>,
): (m: Record<string, unknown>) => Record<string, unknown> {
  const m = /outlook\.body-content-type\s*=\s*"?(text|html)"?/i.exec(ctx.req.headers.get('prefer') ?? '');
  if (!m) return (x) => x;
  const wanted = (m[1] ?? 'html').toLowerCase();
  headers['Preference-Applied'] = `outlook.body-content-type="${wanted}"`;
  return (x) => {
    for (const key of ['body', 'uniqueBody']) {
      const b = x[key] as ItemBody | undefined;
      if (b && wanted === 'text' && b.contentType === 'html')
        x[key] = { contentType: 'text', content: textOf(b) };
    }
    return x;
  };
}

/** GET /me/messages and /me/mailFolders/{id}/messages with $select, $filter, $orderby, $top, $skip. */
export function listMessages(
  ctx: HandlerContext,
  folder: FolderName | null,
  collection: string,
): InternalResponse {
  const access = mailAccess(ctx);
  const q = ctx.req.query;
  const select = parseMessageSelect(q.get('$select'), access);
  const clauses = parseMessageFilter(q.get('$filter'));
  const order = parseOrderBy(q.get('$orderby'));
  checkFilterOrder(clauses, order);
  const top = parseTop(q.get('$top'), DEFAULT_PAGE);
  const skip = parseSkip(q.get('$skip'));
  const matching = sortMessages(
    ctx.mailbox
      .visible(ctx.now, folder ?? undefined)
      .map((m) => m.data)
      .filter((m) => matchesFilter(m, clauses)),
    order,
  );
  const page = matching.slice(skip, skip + top);
  const headers: Record<string, string> = { 'Content-Type': ODATA_JSON };
  const prefer = bodyPreference(ctx, headers);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, collection, select) };
  if (q.get('$count') === 'true') body['@odata.count'] = matching.length;
  body.value = page.map((m) => prefer(projectMessage(m, select, access)));
  if (skip + top < matching.length) {
    const next = new URLSearchParams(q);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    // Keep `$` readable in the link (as Graph's links show it); values are percent-encoded.
    const query = [...next].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    body['@odata.nextLink'] = `${ctx.req.base}${ctx.req.path}?${query}`;
  }
  return { status: 200, headers, body };
}

/** GET /me/messages/{id} (or inside a folder), with $select. */
export function getMessage(ctx: HandlerContext, id: string, folder: FolderName | null): InternalResponse {
  const access = mailAccess(ctx);
  const select = parseMessageSelect(ctx.req.query.get('$select'), access);
  const found = ctx.mailbox.find(id, ctx.now);
  if (!found || (folder && found.folder !== folder)) throw itemNotFound();
  const headers: Record<string, string> = { 'Content-Type': ODATA_JSON };
  const prefer = bodyPreference(ctx, headers);
  return {
    status: 200,
    headers,
    body: {
      '@odata.context': contextUrl(ctx, 'messages', select) + '/$entity',
      ...prefer(projectMessage(found.data, select, access)),
    },
  };
}

/** GET /me/messages/{id}/$value: the MIME text. Not in Mail.ReadBasic's path set (graph-mail.md §1.2). */
export function getMessageMime(ctx: HandlerContext, id: string): InternalResponse {
  if (!hasAny(ctx.claims, MAIL_FULL_READ_SCOPES)) throw accessDenied();
  const found = ctx.mailbox.find(id, ctx.now);
  if (!found) throw itemNotFound();
  const m = found.data;
  const headers = m.internetMessageHeaders ?? [
    { name: 'From', value: `${m.from.emailAddress.name ?? ''} <${m.from.emailAddress.address}>` },
    { name: 'To', value: m.toRecipients.map((r) => r.emailAddress.address).join(', ') },
    { name: 'Subject', value: m.subject },
    { name: 'Message-ID', value: m.internetMessageId },
    { name: 'MIME-Version', value: '1.0' },
  ];
  const text = `${headers.map((h) => `${h.name}: ${h.value}`).join('\r\n')}\r\nContent-Type: ${m.body.contentType === 'html' ? 'text/html' : 'text/plain'}; charset="utf-8"\r\n\r\n${m.body.content}`;
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: text };
}
