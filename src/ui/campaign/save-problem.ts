import { ApiError } from '../../api/errors';
import type { SyncProblem } from './synced-store';

/**
 * What a failed save means for the recruiter and what to do, in plain words. A save is never
 * allowed to fail silently: the pane shows this until a later save gets through.
 */
export function describeSaveProblem({ error, savedLocally }: SyncProblem): string {
  if (!savedLocally)
    return 'Candor could not save this campaign on this device (the browser’s storage may be full or blocked). Your latest changes will be lost if you close the pane. Free up disk space or reload Outlook, then make a change to save again.';
  const kind = error instanceof ApiError ? error.kind : null;
  if (kind === 'too-large')
    return 'This campaign is too large for Candor’s encrypted backup, so it is kept on this device only. You can keep working on it and send it from here, but it will not appear on your other devices, and clearing this browser’s data would delete it. For campaigns on every device, split large lists into smaller campaigns.';
  if (kind === 'unauthorized')
    return 'This campaign is saved on this device, but your sign-in to Candor expired, so the encrypted backup is not up to date. Sign out and connect again to back it up.';
  if (kind === 'forbidden')
    return 'This campaign is saved on this device, but your organisation’s Candor backup is not available (not set up, or the contract has ended). Keep working on this device, or ask your IT team.';
  return 'This campaign is saved on this device, but its encrypted backup on Candor’s service could not be updated. Keep working here; Candor tries again with your next change.';
}

/** The runtime's current save problem, described once and announced to subscribers when it changes. */
export function saveProblemChannel() {
  let current: string | null = null;
  const listeners = new Set<() => void>();
  return {
    report(problem: SyncProblem | null): void {
      const next = problem ? describeSaveProblem(problem) : null;
      if (next === current) return;
      current = next;
      for (const listener of listeners) listener();
    },
    current: (): string | null => current,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
