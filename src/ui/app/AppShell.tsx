import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { useRef, type ReactNode } from 'react';
import type { RouteName } from './pane-state';

/** Signed out, the Connect screen is home. */
const ROUTE_LABELS: Record<RouteName, string> = {
  connect: 'Home',
  home: 'Home',
  campaigns: 'Campaigns',
  privacy: 'Data & privacy',
  report: 'Campaign report',
  prospect: 'Prospect',
};

const useStyles = makeStyles({
  shell: { minHeight: '100vh', display: 'flex', flexDirection: 'column' },
  skip: {
    position: 'absolute',
    left: tokens.spacingHorizontalS,
    top: '-100px',
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForegroundLink,
    zIndex: 1,
    ':focus': { top: tokens.spacingVerticalS, outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  nav: { display: 'flex', gap: tokens.spacingHorizontalXS, margin: 0, padding: 0, listStyleType: 'none' },
  main: {
    flexGrow: 1,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
});

export interface AppShellProps {
  route: RouteName;
  routes: RouteName[];
  onNavigate: (to: RouteName) => void;
  children: ReactNode;
}

/** Landmarks (banner, navigation, main), a skip link, and the in-memory navigation. */
export function AppShell({ route, routes, onNavigate, children }: AppShellProps) {
  const styles = useStyles();
  const main = useRef<HTMLElement>(null);
  return (
    <div className={styles.shell}>
      <a
        className={styles.skip}
        href="#main"
        onClick={(e) => {
          // Focus instead of a hash change: routing is in memory and the URL stays as Outlook loaded it.
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Candor</span>
        <nav aria-label="Candor">
          <ul className={styles.nav}>
            {routes.map((r) => (
              <li key={r}>
                <Button
                  appearance={r === route ? 'secondary' : 'subtle'}
                  size="small"
                  aria-current={r === route ? 'page' : undefined}
                  onClick={() => onNavigate(r)}
                >
                  {ROUTE_LABELS[r]}
                </Button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1} className={styles.main}>
        {children}
      </main>
    </div>
  );
}
