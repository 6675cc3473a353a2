import type { HandlerContext } from './context';
import { GraphFailure, ODATA_JSON, badRequest, invalidFilter } from './errors';
import type { StoredMessage } from './mailbox';
import { parseMessageSelect, projectMessage } from './message-fields';
import { mailAccess } from './messages';
import type { ExpiredDeltaAnswer, FolderName, InternalResponse } from './types';

/** Page size without `Prefer: odata.maxpagesize` [guess: as message lists]. */
const DEFAULT_PAGE = 10;
/** "Applying $filter in a delta query returns only up to 5,000 messages" (delta-query-messages.md). */
const FILTERED_SYNC_LIMIT = 5_000;

type ChangeType = 'created' | 'updated' | 'deleted' | null;

/** One entry of a round: a message to report as it is when its page is served, or a removal. */
type Entry = { message: StoredMessage } | { removedId: string };

/** A delta chain's state, kept server-side behind an opaque `$skiptoken` / `$deltatoken`. */
interface SyncState {
  folder: FolderName;
  select: string[] | null;
  minReceived: { op: 'ge' | 'gt'; ms: number } | null;
  newestFirst: boolean;
  pageSize: number | null;
  changeType: ChangeType;
  /** Changes up to this mailbox change number were reported by earlier rounds (0: a first sync). */
  watermark: number;
  /** For a `$skiptoken`: the round being paged through. */
  round: { entries: Entry[]; offset: number; upTo: number } | null;
  issuedAt: number;
}

/** The answers Graph is documented or reported to give for a delta token it no longer has. */
export const EXPIRED_DELTA_ANSWERS: Record<ExpiredDeltaAnswer, () => GraphFailure> = {
  // 410 with SyncStateNotFound, as reported for Outlook (microsoft-graph-docs #2350).
  'gone-syncStateNotFound': () =>
    new GraphFailure(
      410,
      'SyncStateNotFound',
      'The sync state generation is not found; generation=149;[highest=157][157][155][156].',
    ),
  // delta-query-overview.md "synchronization reset": 410 Gone with a Location to restart from [V].
  'gone-resyncRequired': () =>
    new GraphFailure(
      410,
      'resyncRequired',
      'Resync required. Replace any local cached data with a full sync.',
    ),
  // "40X-series error with error codes such as syncStateNotFound" (delta-query-messages.md) [V]; status 400 [guess].
  'badRequest-syncStateNotFound': () =>
    new GraphFailure(400, 'syncStateNotFound', 'The sync state is not found or has expired.'),
  // [guess] a token Graph cannot parse.
  'badRequest-syncStateInvalid': () =>
    new GraphFailure(
      400,
      'SyncStateInvalid',
      'The sync state is invalid or was generated for another query.',
    ),
  // [guess] the EWS code surfacing through Graph.
  'notFound-invalidSyncStateData': () =>
    new GraphFailure(
      404,
      'ErrorInvalidSyncStateData',
      'The sync state data is corrupt or otherwise invalid.',
    ),
};

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

function inWindow(state: SyncState, receivedMs: number): boolean {
  if (!state.minReceived) return true;
  return state.minReceived.op === 'ge'
    ? receivedMs >= state.minReceived.ms
    : receivedMs > state.minReceived.ms;
}

/** What this round reports: changes after the watermark, as Graph's delta does (upserts, then removals). */
function collectRound(ctx: HandlerContext, state: SyncState): Entry[] {
  const firstSync = state.watermark === 0;
  const changed: StoredMessage[] = [];
  for (const m of ctx.mailbox.folderItems(ctx.now, state.folder)) {
    if (m.changeSeq <= state.watermark) continue;
    const created = m.createdSeq > state.watermark;
    if (state.changeType === 'created' && !created) continue;
    if (state.changeType === 'updated' && (created || firstSync)) continue;
    if (state.changeType === 'deleted') continue;
    if (!inWindow(state, Date.parse(m.data.receivedDateTime))) continue;
    changed.push(m);
  }
  changed.sort((a, b) => (state.newestFirst ? b.changeSeq - a.changeSeq : a.changeSeq - b.changeSeq));
  let entries: Entry[] = changed.map((message) => ({ message }));
  if (firstSync && state.minReceived && entries.length > FILTERED_SYNC_LIMIT) {
    const newest = [...changed]
      .sort((a, b) => Date.parse(b.data.receivedDateTime) - Date.parse(a.data.receivedDateTime))
      .slice(0, FILTERED_SYNC_LIMIT);
    const keep = new Set(newest);
    entries = changed.filter((m) => keep.has(m)).map((message) => ({ message }));
  }
  if (!firstSync && (state.changeType === null || state.changeType === 'deleted')) {
    for (const t of ctx.mailbox.removedSince(state.folder, state.watermark))
      if (inWindow(state, t.receivedMs)) entries.push({ removedId: t.id });
  }
  return entries;
}

/** GET /me/mailFolders/{id}/messages/delta, with nextLink/deltaLink paging, changes, removals and expiry. */
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
    if (!found || found.folder !== folder || ctx.now - found.issuedAt > ctx.core.deltaTokenLifetimeMs) {
      const failure = EXPIRED_DELTA_ANSWERS[ctx.core.expiredDeltaAnswer]();
      if (failure.status === 410) {
        failure.headers.Location = `${ctx.req.base}/me/mailFolders('${folderSegment}')/messages/delta?$deltatoken=`;
      }
      throw failure;
    }
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
    const filter = q.get('$filter');
    // The 2022 incident (graph-mail.md §5): some mailboxes answered 400 to any delta $filter.
    if (filter !== null && ctx.core.deltaFilterRefused) throw invalidFilter();
    const top = q.get('$top');
    state = {
      folder,
      select: parseMessageSelect(q.get('$select'), access),
      minReceived: parseDeltaFilter(filter),
      newestFirst: orderby !== null,
      pageSize: top !== null && Number(top) > 0 ? Number(top) : null,
      changeType: changeType as ChangeType,
      watermark: 0,
      round: null,
      issuedAt: ctx.now,
    };
  }

  const round = state.round ?? {
    entries: collectRound(ctx, state),
    offset: 0,
    upTo: ctx.mailbox.changeSeq,
  };
  const size = Math.min(pageSizeFrom(ctx) ?? state.pageSize ?? DEFAULT_PAGE, ctx.core.maxDeltaPageSize);
  const page = round.entries.slice(round.offset, round.offset + size);
  const more = round.offset + size < round.entries.length;

  let nextToken: string;
  if (more) {
    nextToken = ctx.core.ids.token();
    states.set(nextToken, { ...state, round: { ...round, offset: round.offset + size }, issuedAt: ctx.now });
  } else if (token !== null && state.round === null && round.entries.length === 0 && q.has('$deltatoken')) {
    // Nothing changed: the same deltaLink comes back (as in delta-query-messages--4), its life renewed.
    nextToken = token;
    state.issuedAt = ctx.now;
  } else {
    nextToken = ctx.core.ids.token();
    states.set(nextToken, { ...state, watermark: round.upTo, round: null, issuedAt: ctx.now });
  }
  const link = `${ctx.req.base}/me/mailFolders('${folderSegment}')/messages/delta?${more ? '$skiptoken' : '$deltatoken'}=${nextToken}`;

  const value: Record<string, unknown>[] = [];
  for (const entry of page) {
    if ('removedId' in entry) {
      // Graph documents only reason "deleted"; a move out of the folder is reported the same way [guess].
      value.push({
        '@odata.type': '#microsoft.graph.message',
        id: entry.removedId,
        '@removed': { reason: 'deleted' },
      });
      continue;
    }
    const m = entry.message;
    // Moved away or purged since the round started: its removal comes in the next round.
    if (m.visible !== true || m.folder !== folder) continue;
    value.push({
      '@odata.type': '#microsoft.graph.message',
      ...projectMessage(m.data, state.select, access),
    });
  }
  const headers: Record<string, string> = { 'Content-Type': ODATA_JSON };
  const preferred = pageSizeFrom(ctx);
  if (preferred !== null)
    headers['Preference-Applied'] = `odata.maxpagesize=${Math.min(preferred, ctx.core.maxDeltaPageSize)}`;
  return {
    status: 200,
    headers,
    body: {
      '@odata.context': `${ctx.req.base}/$metadata#Collection(message)`,
      [more ? '@odata.nextLink' : '@odata.deltaLink']: link,
      value,
    },
  };
}
