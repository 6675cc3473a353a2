import { useEffect, useRef } from 'react';

/**
 * Reply sync starts when the recruiter is connected — not only when they open a report — so
 * replies, bounces and out-of-office answers stop later steps and a blocked mailbox stops sending
 * while the pane is open. Loading the ResultsSource starts its timer; signing out closes the
 * campaign runtime, which stops it. Problems surface on the report screen.
 */
export function useResultsInBackground(connected: boolean, load: () => Promise<unknown>): void {
  const loader = useRef(load);
  const started = useRef(false);
  useEffect(() => {
    loader.current = load;
  });
  // Driven by the connection changing, not by mount/unmount (StrictMode remounts in development).
  useEffect(() => {
    if (connected && !started.current) {
      started.current = true;
      loader.current().catch(() => {
        started.current = false;
      });
    } else if (!connected) {
      started.current = false;
    }
  }, [connected]);
}
