/**
 * Render half of the report benchmark: the campaign report screen in jsdom (React 19 + Fluent, the
 * real components) for a 5,000-prospect campaign, from mount until the numbers and the first
 * screenful of prospects are in the DOM. The model build is included (a fresh results object each
 * run); the chart, a separate lazy chunk, is not waited for.
 */
import { JSDOM } from 'jsdom';
import type { CampaignResults } from '../src/core/results/types';

export interface RenderTiming {
  wallMs: number;
  cpuMs: number;
}

/** jsdom as the global DOM, as vitest's jsdom environment does, before React and Fluent load. */
function installDom(): void {
  const dom = new JSDOM('<!doctype html><html lang="en"><body></body></html>', {
    pretendToBeVisual: true,
    url: 'https://localhost/',
  });
  const g = globalThis as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(win)) {
    if (key in g || key.startsWith('_')) continue;
    try {
      g[key] = win[key];
    } catch {
      // read-only globals stay Node's
    }
  }
  g.window = dom.window;
  g.document = dom.window.document;
  g.IS_REACT_ACT_ENVIRONMENT = false;
  // jsdom has no layout: give the virtualised list a task-pane-sized viewport.
  const proto = dom.window.HTMLElement.prototype;
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => 320 });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => 330 });
}

export async function measureRender(make: () => CampaignResults, runs: number): Promise<RenderTiming[]> {
  installDom();
  const [
    { createRoot },
    { FluentProvider, webLightTheme },
    { CampaignReportScreen },
    { PaneServicesProvider },
  ] = await Promise.all([
    import('react-dom/client'),
    import('@fluentui/react-components'),
    import('../src/ui/report/CampaignReportScreen'),
    import('../src/ui/pane-services'),
  ]);
  const { fakeResultsSource } = await import('../test/support/fake-results');
  const { fakeServices, fakeSession } = await import('../test/ui/fake-services');
  const timings: RenderTiming[] = [];
  for (let i = 0; i < runs; i++) {
    const results = make();
    const source = fakeResultsSource([results]);
    const session = fakeSession();
    const { services } = fakeServices({ session });
    const host = document.createElement('div');
    document.body.append(host);
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const root = createRoot(host);
    root.render(
      <PaneServicesProvider value={services}>
        <FluentProvider theme={webLightTheme}>
          <CampaignReportScreen
            loadResults={async () => source}
            session={async () => session}
            campaignId={results.campaignId}
            focusHeading={false}
            onOpenProspect={() => undefined}
            onBack={() => undefined}
          />
        </FluentProvider>
      </PaneServicesProvider>,
    );
    // Until the prospect list shows rows: macrotask turns let React commit between checks.
    while (!host.querySelector('[role="region"][aria-label^="Prospects:"] li'))
      await new Promise((r) => setImmediate(r));
    const used = process.cpuUsage(cpuStart);
    timings.push({ wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 });
    root.unmount();
    host.remove();
  }
  return timings;
}
