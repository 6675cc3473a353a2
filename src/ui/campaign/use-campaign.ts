import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { userMessage } from '../components/error-message';
import { isOtherKey } from '../keys/other-key';
import { CampaignController, type ControllerState } from './controller';
import type { CampaignRuntime } from './runtime';

const controllers = new WeakMap<CampaignRuntime, CampaignController>();

/** One controller per runtime: leaving the screen does not stop a send in progress. */
export function controllerFor(runtime: CampaignRuntime): CampaignController {
  let controller = controllers.get(runtime);
  if (!controller) controllers.set(runtime, (controller = new CampaignController(runtime)));
  return controller;
}

export type CampaignLoad =
  | { status: 'loading' }
  /** `otherKey`: sealed to a key this device does not have. */
  | { status: 'failed'; message: string; otherKey: boolean; retry: () => void }
  | { status: 'ready'; controller: CampaignController };

/** Loads the runtime (boundaries) and the recruiter's current campaign. */
export function useCampaignLoad(load: () => Promise<CampaignRuntime>): CampaignLoad {
  const [result, setResult] = useState<CampaignLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // The loader may be a new function on every render; the first one is the one that counts.
  const loader = useRef(load);
  useEffect(() => {
    let cancelled = false;
    loader
      .current()
      .then(async (runtime) => {
        const controller = controllerFor(runtime);
        await controller.load();
        if (!cancelled) setResult({ status: 'ready', controller });
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setResult({
            status: 'failed',
            message: userMessage(error, 'Campaigns could not be loaded.'),
            otherKey: isOtherKey(error),
            retry: () => {
              setResult({ status: 'loading' });
              setAttempt((n) => n + 1);
            },
          });
      });
    return () => {
      cancelled = true;
    };
  }, [attempt]);
  return result;
}

export function useControllerState(controller: CampaignController): ControllerState {
  return useSyncExternalStore(controller.subscribe, controller.getState);
}
