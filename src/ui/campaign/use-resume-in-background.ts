import { useEffect, useRef } from 'react';
import type { CampaignRuntime } from './runtime';

/**
 * While the recruiter is connected, their current campaign is open: a send that was running when the
 * pane closed continues at once, whichever screen they are on. When they sign out or disconnect, the
 * campaign is closed first (engine stopped, nothing more saved). Campaign code arrives by dynamic
 * import; problems surface on the Campaigns screen.
 */
export function useResumeInBackground(connected: boolean, load: () => Promise<CampaignRuntime>): void {
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    if (!connected) return;
    const runtime = loader.current();
    void (async () => {
      try {
        const { controllerFor } = await import('./use-campaign');
        await controllerFor(await runtime).load();
      } catch {
        // Shown on the Campaigns screen, which loads again.
      }
    })();
    return () => {
      void runtime.then((r) => r.close()).catch(() => undefined);
    };
  }, [connected]);
}
