import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { buildReport, type CampaignReport } from '../../core/results/report';
import type { CampaignResults, ResultsSource } from '../../core/results/types';
import type { PaneServices, PaneSession } from '../pane-services';

/** How the report screens reach results: the pane's loader and its signed-in session. */
export interface ResultsAccess {
  /** Absent until reply tracking is part of the pane: the screens say so. */
  loadResults: PaneServices['loadResults'];
  session: () => Promise<PaneSession>;
}

const messageOf = (error: unknown) =>
  error instanceof Error && error.message ? error.message : 'Something went wrong.';

// One source per signed-in session, shared by Home and the report screens; a failure is forgotten so
// "Try again" loads again.
const sources = new WeakMap<PaneSession, Promise<ResultsSource>>();

async function sourceFor(access: ResultsAccess & { loadResults: NonNullable<ResultsAccess['loadResults']> }) {
  const session = await access.session();
  let source = sources.get(session);
  if (!source) {
    source = access.loadResults(session);
    sources.set(session, source);
    source.catch(() => sources.delete(session));
  }
  return source;
}

// The report of a results object is built once, however many screens show it.
const reports = new WeakMap<CampaignResults, CampaignReport>();
const utcOffsetMinutes = () => -new Date().getTimezoneOffset();

export function reportOf(results: CampaignResults): CampaignReport {
  let report = reports.get(results);
  if (!report) {
    report = buildReport(results, { utcOffsetMinutes: utcOffsetMinutes() });
    reports.set(results, report);
  }
  return report;
}

export type Loaded<T> =
  | { status: 'unavailable' }
  | { status: 'loading' }
  | { status: 'failed'; message: string; retry: () => void }
  | { status: 'ready'; value: T; source: ResultsSource; reload: () => void };

/**
 * Loads something from the results source, again whenever the source says new results arrived
 * (a background sync) or `reload` is called. Keeps showing the last value while it reloads.
 */
export function useFromResults<T>(
  access: ResultsAccess,
  read: (source: ResultsSource) => Promise<T>,
  /** What is read (a campaign id): reading starts again when it changes. */
  key = '',
): Loaded<T> {
  const { loadResults, session } = access;
  const [state, setState] = useState<Loaded<T>>(() =>
    loadResults ? { status: 'loading' } : { status: 'unavailable' },
  );
  const [attempt, setAttempt] = useState(0);
  const readLatest = useEffectEvent((source: ResultsSource) => read(source));
  const again = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    if (!loadResults) return;
    let active = true;
    let unsubscribe = () => {};
    (async () => {
      try {
        const source = await sourceFor({ loadResults, session });
        if (!active) return;
        unsubscribe = source.subscribe(again);
        const value = await readLatest(source);
        if (active) setState({ status: 'ready', value, source, reload: again });
      } catch (error) {
        if (active) setState({ status: 'failed', message: messageOf(error), retry: again });
      }
    })();
    return () => {
      active = false;
      unsubscribe();
    };
  }, [loadResults, session, attempt, again, key]);
  return state;
}

/** One campaign's report (null when the campaign is not there any more). */
export function useCampaignReport(access: ResultsAccess, campaignId: string): Loaded<CampaignReport | null> {
  return useFromResults(
    access,
    async (source) => {
      const results = await source.load(campaignId);
      return results ? reportOf(results) : null;
    },
    campaignId,
  );
}

export type RefreshState =
  | { status: 'idle' }
  | { status: 'syncing' }
  | { status: 'done'; at: number }
  | { status: 'stopped' }
  | { status: 'failed'; message: string };

/** "Refresh": reply sync and event pull now, stoppable, then the report reloads. */
export function useRefresh(source: ResultsSource | null, onDone: () => void) {
  const [state, setState] = useState<RefreshState>({ status: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const start = useCallback(async () => {
    if (!source || controller.current) return;
    const abort = new AbortController();
    controller.current = abort;
    setState({ status: 'syncing' });
    try {
      await source.sync(abort.signal);
      setState({ status: 'done', at: Date.now() });
      onDone();
    } catch (error) {
      setState(
        abort.signal.aborted ? { status: 'stopped' } : { status: 'failed', message: messageOf(error) },
      );
    } finally {
      controller.current = null;
    }
  }, [source, onDone]);
  const stop = useCallback(() => controller.current?.abort(), []);
  return useMemo(() => ({ state, start: () => void start(), stop }), [state, start, stop]);
}
