import { useEffect, useRef } from 'react';

/**
 * Runs `poll` now and then every `everyMs` while `enabled` and the document is visible; a hidden
 * pane (another Outlook tab, minimised) asks nothing and polls again as soon as it is shown. Stops on
 * unmount (sign-out unmounts the key layer). A poll that fails is retried on the next tick.
 */
export function useVisiblePoll(poll: () => Promise<void>, everyMs: number, enabled: boolean): void {
  const latest = useRef(poll);
  useEffect(() => {
    latest.current = poll;
  }, [poll]);
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let stopped = false;
    const visible = () => document.visibilityState !== 'hidden';
    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && visible()) timer = setTimeout(() => void tick(), everyMs);
    };
    const tick = async () => {
      if (running || stopped || !visible()) return;
      running = true;
      try {
        await latest.current();
      } catch {
        // The next tick asks again; the prompt keeps what it last showed.
      } finally {
        running = false;
        schedule();
      }
    };
    const onVisibility = () => (visible() ? void tick() : clearTimeout(timer));
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [everyMs, enabled]);
}
