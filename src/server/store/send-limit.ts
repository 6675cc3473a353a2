/** The per-user send limit's arithmetic, shared by both stores (they only count and look up). */
import { SEND_WINDOW_MS, SendLimitError } from './store';

/**
 * null when `batch` more sends fit beside the `recent` ones of the window; otherwise the 0-based
 * index (oldest first) of the window's send whose expiry makes enough room.
 */
export function sendToOutlast(maxPerDay: number, recent: number, batch: number): number | null {
  return recent + batch <= maxPerDay ? null : recent + batch - maxPerDay - 1;
}

/** The refusal; `freesAt` is the created_at of the send found by sendToOutlast (null: none). */
export function sendLimitError(
  maxPerDay: number,
  recent: number,
  now: number,
  freesAt: number | null,
): SendLimitError {
  const remaining = Math.max(0, maxPerDay - recent);
  return new SendLimitError(
    maxPerDay,
    remaining,
    freesAt === null ? null : Math.max(1, freesAt + SEND_WINDOW_MS - now),
  );
}
