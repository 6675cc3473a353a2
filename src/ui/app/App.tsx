import { FluentProvider, makeStaticStyles, Spinner } from '@fluentui/react-components';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useResumeInBackground } from '../campaign/use-resume-in-background';
import { useResultsInBackground } from '../results/use-results-in-background';
import { ErrorBar } from '../components/ErrorBar';
import { PaneServicesProvider, type PaneServices } from '../pane-services';
import { ConnectScreen } from '../screens/ConnectScreen';
import { fluentThemeFor } from '../theme/fluent-theme';
import { usePaneTheme } from '../theme/use-pane-theme';
import { AppShell } from './AppShell';
import { navigableRoutes } from './pane-state';
import { usePane } from './use-pane';

// Only the Connect screen is in the first-load bundle; the rest arrives when first shown.
const HomeScreen = lazy(() => import('../screens/HomeScreen'));
const DisconnectDialog = lazy(() =>
  import('../components/DisconnectDialog').then((m) => ({ default: m.DisconnectDialog })),
);
const PrivacyScreen = lazy(() => import('../screens/PrivacyScreen'));
const CampaignsScreen = lazy(() => import('../campaign/CampaignsScreen'));
const ReportHome = lazy(() => import('../report/ReportHome'));
const CampaignReportScreen = lazy(() => import('../report/CampaignReportScreen'));
const ProspectScreen = lazy(() => import('../report/ProspectScreen'));
// Everything about the user's key while connected (resolve, unlock screens, approval prompts).
const KeyGate = lazy(() => import('../keys/KeyGate'));

// The pane fills Outlook's frame edge to edge; the theme's background comes from FluentProvider.
const usePageStyles = makeStaticStyles({ body: { margin: 0 } });

export interface AppProps {
  services: PaneServices;
  /** Campaign features plug into Home here. */
  homeContent?: ReactNode;
}

/** The task pane: Fluent theme following the host, the boundaries in context, and the screens. */
export function App({ services, homeContent }: AppProps) {
  usePageStyles();
  const theme = usePaneTheme(services.office);
  return (
    <PaneServicesProvider value={services}>
      <FluentProvider theme={fluentThemeFor(theme)} data-pane-theme={theme}>
        <Pane services={services} homeContent={homeContent} />
      </FluentProvider>
    </PaneServicesProvider>
  );
}

function Pane({ services, homeContent }: AppProps) {
  const pane = usePane(services);
  const { route, connection, error, report } = pane.state;
  // The first screen keeps focus at the top of the page; after any navigation the new heading takes it.
  const [firstRoute] = useState(route);
  const [moved, setMoved] = useState(false);
  if (!moved && route !== firstRoute) setMoved(true);

  let screen: ReactNode;
  const connected = connection.status === 'connected' || connection.status === 'signingOut';
  const loadKeyAccess = services.loadKeyAccess;
  // Campaign data is opened in the background once the key is ready (KeyGate says so).
  const [keyReady, setKeyReady] = useState(false);
  const live = connection.status === 'connected' && (keyReady || !loadKeyAccess);
  const loadCampaigns = services.loadCampaigns;
  // A campaign that was sending when the pane closed continues as soon as the recruiter is connected.
  useResumeInBackground(live && !!loadCampaigns, async () => loadCampaigns!(await pane.session()));
  const results = { loadResults: services.loadResults, session: pane.session };
  const loadResults = services.loadResults;
  // Reply sync runs while the pane is open, whichever screen is shown.
  useResultsInBackground(live && !!loadResults, async () => loadResults!(await pane.session()));
  if (route === 'privacy') screen = <PrivacyScreen focusHeading={moved} />;
  else if (route === 'report' && connected && report)
    screen = (
      <CampaignReportScreen
        {...results}
        campaignId={report.campaignId}
        focusHeading={moved}
        onOpenProspect={pane.openProspect}
        onBack={() => pane.navigate('home')}
      />
    );
  else if (route === 'prospect' && connected && report?.prospectId)
    screen = (
      <ProspectScreen
        {...results}
        campaignId={report.campaignId}
        prospectId={report.prospectId}
        focusHeading={moved}
        onBack={() => pane.navigate('report')}
      />
    );
  else if (route === 'campaigns' && connected && loadCampaigns)
    screen = (
      <CampaignsScreen
        load={async () => loadCampaigns(await pane.session())}
        compose={services.office}
        focusHeading={moved}
      />
    );
  else if (route === 'home' && (connection.status === 'connected' || connection.status === 'signingOut'))
    screen = (
      <HomeScreen
        profile={connection.profile}
        busy={
          connection.status === 'signingOut'
            ? connection.disconnecting
              ? 'disconnecting'
              : 'signingOut'
            : null
        }
        onSignOut={pane.signOut}
        onDisconnect={services.disconnect ? pane.disconnect : undefined}
        focusHeading={moved}
      >
        {homeContent}
        <Suspense fallback={<Spinner size="small" label="Loading campaign results…" />}>
          <ReportHome {...results} onOpen={pane.openReport} />
        </Suspense>
      </HomeScreen>
    );
  else
    screen = (
      <ConnectScreen
        mode={services.mode}
        inOffice={services.office.inOffice}
        connecting={connection.status === 'connecting'}
        onConnect={pane.connect}
        focusHeading={moved}
      />
    );

  if (connected && loadKeyAccess)
    screen = (
      <KeyGate
        pane={pane}
        services={services}
        onReady={setKeyReady}
        unlockFooter={services.disconnect && <DisconnectDialog busy={false} onConfirm={pane.disconnect} />}
      >
        {screen}
      </KeyGate>
    );

  return (
    <AppShell
      route={route}
      routes={navigableRoutes(connection, !!services.loadCampaigns)}
      onNavigate={pane.navigate}
    >
      {error && <ErrorBar error={error} />}
      <Suspense fallback={<Spinner label="Loading…" />}>{screen}</Suspense>
    </AppShell>
  );
}
