import { useEffect, useRef } from 'react';
import type { CampaignRuntime } from './runtime';

/**
 * While the recruiter is connected, their current campaign is open: a send that was running when the
 * pane closed continues at once, whichever screen they are on, and so do their other campaigns that
 * are still sending (see background-campaigns.ts). When they sign out or disconnect, the
 * campaign is closed (engine stopped, pending state written, nothing saved afterwards). Campaign
 * code arrives by dynamic import; problems surface on the Campaigns screen.
 */
export function useResumeInBackground(connected: boolean, load: () => Promise<CampaignRuntime>): void {
  const loader = useRef(load);
  const open = useRef<Promise<CampaignRuntime> | null>(null);
  useEffect(() => {
    loader.current = load;
  });
  // Driven by the connection changing, not by mount/unmount (StrictMode remounts in development).
  useEffect(() => {
    if (connected && !open.current) {
      const runtime = loader.current();
      open.current = runtime;
      void (async () => {
        const { backgroundFor, controllerFor } = await import('./use-campaign');
        const ready = await runtime;
        await controllerFor(ready).load();
        // The user's other campaigns still sending (sequences waiting for their next step) go on too.
        backgroundFor(ready).start();
      })().catch(() => undefined);
    } else if (!connected && open.current) {
      const runtime = open.current;
      open.current = null;
      void runtime.then((r) => r.close()).catch(() => undefined);
    }
  }, [connected]);
}
