import { Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { Component, lazy, Suspense, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { ActivitySeries } from '../../core/results/report';
import { useScreenStyles } from '../components/screen-styles';
import { activitySummary, ActivityTable } from './ActivityTable';

// The charts library is fetched with this chunk only when a report with activity is shown.
const ActivityChart = lazy(() => import('./ActivityChart'));

const useStyles = makeStyles({
  figure: { margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  chart: { minHeight: '220px' },
});

/** A chart that fails to draw leaves its table; the numbers matter more than the picture. */
class ChartBoundary extends Component<{ children: ReactNode; fallback: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** Opens (people and machines) and replies over time: a summary sentence, the chart, and the same numbers as a table. */
export function ActivitySection({ series }: { series: ActivitySeries }) {
  const screen = useScreenStyles();
  const styles = useStyles();
  const [showTable, setShowTable] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(300);
  useLayoutEffect(() => {
    const measured = box.current?.clientWidth ?? 0;
    if (measured > 0) setWidth(measured);
  }, []);
  const summary = activitySummary(series);
  const empty = series.buckets.every((b) => b.humanOpens + b.machineOpens + b.replies === 0);
  return (
    <figure className={styles.figure} aria-labelledby="activity-heading">
      <h2 id="activity-heading" className={screen.subheading}>
        Opens and replies over time
      </h2>
      <figcaption className={screen.text}>{summary}</figcaption>
      {!empty && (
        <>
          {/* A picture of the table below: inert, so neither focus nor screen readers stop in it. */}
          <div ref={box} className={styles.chart} inert>
            <ChartBoundary
              fallback={
                <p className={screen.text}>The chart could not be drawn; the table has the same numbers.</p>
              }
            >
              <Suspense fallback={<Spinner size="small" label="Drawing the chart…" />}>
                <ActivityChart series={series} width={width} />
              </Suspense>
            </ChartBoundary>
          </div>
          <div>
            <Button size="small" aria-expanded={showTable} onClick={() => setShowTable((v) => !v)}>
              {showTable ? 'Hide the table' : 'Show as a table'}
            </Button>
          </div>
          {showTable && <ActivityTable series={series} caption={`Opens and replies by ${series.unit}`} />}
        </>
      )}
    </figure>
  );
}
