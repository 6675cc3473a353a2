/**
 * The pane with a fake results source (no backend, no mailbox), for the report screenshots in docs/.
 * `?theme=light|dark|highContrast` picks the host theme.
 */
import { createRoot } from 'react-dom/client';
import { App } from '../../src/ui/app/App';
import type { PaneServices } from '../../src/ui/pane-services';
import { fakeResultsSource, generatedResults } from '../../test/support/fake-results';
import { fakeOffice, fakeServices, fakeSession } from '../../test/ui/fake-services';

const theme = (new URLSearchParams(location.search).get('theme') ?? 'light') as
  'light' | 'dark' | 'highContrast';
const campaign = generatedResults({
  campaignId: 'berlin',
  name: 'Backend engineers, Berlin',
  prospects: 240,
  opens: 1_400,
  spanMs: 4 * 24 * 3_600_000,
});
campaign.notes = ['2 messages in Junk Email could not be matched to a Candor send and were left alone.'];
const { services } = fakeServices({ session: fakeSession({ restored: true }), office: fakeOffice(theme) });
const withResults: PaneServices = { ...services, loadResults: async () => fakeResultsSource([campaign]) };

createRoot(document.getElementById('root')!).render(<App services={withResults} />);
