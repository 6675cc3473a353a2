import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { userMessage } from '../components/error-message';
import { isOtherKey } from '../keys/other-key';
import { BackgroundCampaigns } from './background-campaigns';
import { CampaignController, type ControllerState } from './controller';
import { liveCampaignsOf } from './live-campaigns';
import type { CampaignRuntime } from './runtime';

const controllers = new WeakMap<CampaignRuntime, CampaignController>();
const backgrounds = new WeakMap<CampaignRuntime, BackgroundCampaigns>();

/** One controller per runtime: leaving the screen does not stop a send in progress. */
export function controllerFor(runtime: CampaignRuntime): CampaignController {
  let controller = controllers.get(runtime);
  if (!controller) controllers.set(runtime, (controller = new CampaignController(runtime)));
  return controller;
}

/**
 * The campaigns running here besides the current one. When the current campaign changes (a new one
 * is started, another one opened), the one left behind is picked up here if it is still sending.
 */
export function backgroundFor(runtime: CampaignRuntime): BackgroundCampaigns {
  const background = backgrounds.get(runtime);
  if (background) return background;
  const main = controllerFor(runtime);
  const created = new BackgroundCampaigns(runtime, () => main.campaignId());
  backgrounds.set(runtime, created);
  let last = main.campaignId();
  main.subscribe(() => {
    const id = main.campaignId();
    if (id === last) return;
    last = id;
    void created.refresh().catch(() => undefined);
  });
  return created;
}

/** Reply tracking's view of every campaign sending in this pane. */
export function liveCampaignsFor(runtime: CampaignRuntime) {
  const main = controllerFor(runtime);
  return liveCampaignsOf(() => [main, ...(backgrounds.get(runtime)?.controllers() ?? [])]);
}

/** Makes a campaign running in the background the current one (its controller moves to the screen). */
export async function openCampaign(runtime: CampaignRuntime, campaignId: string): Promise<void> {
  backgroundFor(runtime).release(campaignId);
  await controllerFor(runtime).open(campaignId);
}

/** The pane is going away (sign-out, disconnect): every campaign stops sending here. */
export function disposeCampaigns(runtime: CampaignRuntime): void {
  backgrounds.get(runtime)?.dispose();
  controllerFor(runtime).dispose();
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
