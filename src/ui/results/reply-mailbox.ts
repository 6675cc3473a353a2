/**
 * The Graph boundary as reply sync's port (src/core/replies/ports.ts). The Graph client is getting
 * `mailFolderDelta(folder, …)` (Inbox and Junk Email) and a three-way `getInternetHeaders`; until
 * that lands, the older `inboxDelta` (Inbox only) and header-array-or-null answers are accepted too,
 * so this works on either side of the merge.
 */
import type { MailSender } from '../../core/mail';
import type {
  InternetHeadersResult,
  MailFolder,
  MailFolderDeltaResult,
  MailFolderDeltaState,
  ReplyMailbox,
} from '../../core/replies/ports';

type DeltaFn = (
  state?: MailFolderDeltaState,
  signal?: AbortSignal,
) => Promise<Omit<MailFolderDeltaResult, 'fallbackUnfiltered'> & { fallbackUnfiltered?: boolean }>;

export interface GraphForReplies extends MailSender {
  mailFolderDelta?: ReplyMailbox['mailFolderDelta'];
  inboxDelta?: DeltaFn;
  getInternetHeaders(messageId: string, signal?: AbortSignal): Promise<unknown>;
}

function headersResult(value: unknown): InternetHeadersResult {
  if (Array.isArray(value)) return { status: 'ok', headers: value as { name: string; value: string }[] };
  if (value && typeof value === 'object' && 'status' in value) return value as InternetHeadersResult;
  return { status: 'unavailable' };
}

/** No junk delta on the older client: nothing read, and an empty link that is never stored. */
const EMPTY_JUNK = (): MailFolderDeltaResult => ({
  messages: [],
  removedIds: [],
  deltaLink: '',
  fullSync: false,
  restarted: false,
  fallbackUnfiltered: false,
});

export function replyMailbox(graph: GraphForReplies): ReplyMailbox {
  return {
    async mailFolderDelta(folder: MailFolder, state?: MailFolderDeltaState, signal?: AbortSignal) {
      if (graph.mailFolderDelta) return graph.mailFolderDelta(folder, state, signal);
      if (!graph.inboxDelta) throw new Error('This Graph client cannot read mail changes.');
      if (folder !== 'inbox') return EMPTY_JUNK();
      const result = await graph.inboxDelta(state, signal);
      return { ...result, fallbackUnfiltered: result.fallbackUnfiltered ?? false };
    },
    async getInternetHeaders(messageId, signal) {
      try {
        return headersResult(await graph.getInternetHeaders(messageId, signal));
      } catch (error) {
        // Listed a moment ago, moved or deleted since: normal with delta (graph-mail.md §5).
        if ((error as { status?: unknown } | null)?.status === 404) return { status: 'gone' };
        throw error;
      }
    },
    listSentSince: (since, signal) => graph.listSentSince(since, signal),
  };
}
