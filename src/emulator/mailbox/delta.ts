import type { HandlerContext } from './context';
import { GraphFailure, ODATA_JSON, badRequest, invalidFilter } from './errors';
import { parseMessageSelect, projectMessage } from './message-fields';
import { mailAccess } from './messages';
import type { FolderName, InternalResponse } from './types';

const DEFAULT_PAGE = 10;

/** One delta round's state, kept server-side behind an opaque `$skiptoken` / `$deltatoken`. */
interface SyncState {
  folder: FolderName;
  select: string[] | null;
  minReceived: { op: 'ge' | 'gt'; ms: number } | null;
  newestFirst: boolean;
  pageSize: number | null;
  /** Ids already reported in this sync. */
  seen: Set<string>;
  /** For a `$skiptoken`: ids of this round still to report, in order. */
  pending: string[] | null;
  issuedAt: number;
}

const syncStateNotFound = () =>
  // The code and 410 status Graph answers for an unknown or expired delta token (graph-mail.md §5).
  new GraphFailure(410, 'SyncStateNotFound', 'The sync state generation is not found.');

/** Delta query supports only `receivedDateTime ge|gt {value}` (delta-query-messages.md). */
function parseDeltaFilter(raw: string | null): SyncState['minReceived'] {
  if (raw === null) return null;
  const m = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(raw);
  const ms = m ? Date.parse(m[2] ?? '') : NaN;
  if (!m || Number.isNaN(ms)) throw invalidFilter();
  return { op: (m[1] ?? 'ge').toLowerCase() as 'ge' | 'gt', ms };
}

function pageSizeFrom(ctx: HandlerContext): number | null {
  const prefer = ctx.req.headers.get('prefer') ?? '';
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  return m ? Math.max(1, Number(m[1])) : null;
}

/** GET /me/mailFolders/{id}/messages/delta, with nextLink/deltaLink paging and token expiry. */
export function messageDelta(
  ctx: HandlerContext,
  folder: FolderName,
  folderSegment: string,
): InternalResponse {
  const access = mailAccess(ctx);
  const q = ctx.req.query;
  const states = ctx.mailbox.syncStates as Map<string, SyncState>;
  const token = q.get('$deltatoken') ?? q.get('$skiptoken');
  let state: SyncState;
  if (token !== null) {
    const found = states.get(token);
    if (!found || found.folder !== folder || ctx.now - found.issuedAt > ctx.core.deltaTokenLifetimeMs)
      throw syncStateNotFound();
    state = found;
  } else {
    const orderby = q.get('$orderby');
    if (orderby !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderby)) {
      throw badRequest(
        'The only supported $orderby expression for delta is receivedDateTime desc.',
        'ErrorInvalidUrlQuery',
      );
    }
    const changeType = q.get('changeType');
    if (changeType !== null && !['created', 'updated', 'deleted'].includes(changeType)) {
      throw badRequest(`Invalid changeType '${changeType}'.`, 'ErrorInvalidParameter');
    }
    const top = q.get('$top');
    state = {
      folder,
      select: parseMessageSelect(q.get('$select'), access),
      minReceived: parseDeltaFilter(q.get('$filter')),
      newestFirst: orderby !== null,
      pageSize: top !== null && Number(top) > 0 ? Number(top) : null,
      seen: new Set(),
      pending: null,
      issuedAt: ctx.now,
    };
    // The emulator never updates or deletes messages, so `updated`/`deleted` rounds are empty.
    if (changeType === 'updated' || changeType === 'deleted')
      state.seen = new Set(ctx.mailbox.visible(ctx.now, folder).map((m) => m.data.id));
  }

  let pending = state.pending;
  if (!pending) {
    const fresh = ctx.mailbox
      .visible(ctx.now, folder)
      .filter((m) => !state.seen.has(m.data.id))
      .filter((m) => {
        if (!state.minReceived) return true;
        const t = Date.parse(m.data.receivedDateTime);
        return state.minReceived.op === 'ge' ? t >= state.minReceived.ms : t > state.minReceived.ms;
      })
      .sort((a, b) => (state.newestFirst ? b.seq - a.seq : a.seq - b.seq));
    pending = fresh.map((m) => m.data.id);
  }
  const size = pageSizeFrom(ctx) ?? state.pageSize ?? DEFAULT_PAGE;
  const pageIds = pending.slice(0, size);
  const rest = pending.slice(size);
  const seen = new Set([...state.seen, ...pageIds]);
  const next: SyncState = { ...state, seen, pending: rest.length ? rest : null, issuedAt: ctx.now };
  const nextToken = ctx.core.ids.token();
  states.set(nextToken, next);
  const link = `${ctx.req.base}/me/mailFolders('${folderSegment}')/messages/delta?${rest.length ? '$skiptoken' : '$deltatoken'}=${nextToken}`;
  const byId = new Map(ctx.mailbox.visible(ctx.now, folder).map((m) => [m.data.id, m.data]));
  const value = pageIds
    .map((id) => byId.get(id))
    .filter((m) => m !== undefined)
    .map((m) => ({ '@odata.type': '#microsoft.graph.message', ...projectMessage(m, state.select, access) }));
  const headers: Record<string, string> = { 'Content-Type': ODATA_JSON };
  const preferred = pageSizeFrom(ctx);
  if (preferred !== null) headers['Preference-Applied'] = `odata.maxpagesize=${preferred}`;
  return {
    status: 200,
    headers,
    body: {
      '@odata.context': `${ctx.req.base}/$metadata#Collection(message)`,
      [rest.length ? '@odata.nextLink' : '@odata.deltaLink']: link,
      value,
    },
  };
}
