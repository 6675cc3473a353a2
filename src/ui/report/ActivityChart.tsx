/**
 * The opens-and-replies chart (@fluentui/react-charts). Only ever imported lazily: the charts library
 * is large and arrives with the report, never in the first load.
 */
import { makeStyles, tokens } from '@fluentui/react-components';
import {
  DataVizPalette,
  getColorFromToken,
  VerticalStackedBarChart,
  type VerticalStackedChartProps,
} from '@fluentui/react-charts';
import type { ActivitySeries } from '../../core/results/report';
import type { PaneTheme } from '../../outlook';
import { usePaneServices } from '../pane-services';
import { usePaneTheme } from '../theme/use-pane-theme';
import { chartBuckets, chartTicks } from './chart-buckets';
import { formatBucket } from './format';

const useStyles = makeStyles({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`,
    margin: 0,
    padding: 0,
    listStyleType: 'none',
    fontSize: tokens.fontSizeBase200,
  },
  key: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  swatch: { width: '12px', height: '12px', flexShrink: 0 },
  line: { width: '14px', height: '3px', flexShrink: 0 },
});

/** High-contrast colours from the Windows contrast themes; otherwise Fluent's data-visualisation palette. */
function colours(theme: PaneTheme) {
  if (theme === 'highContrast') return { human: '#1AEBFF', machine: '#FFFF00', replies: '#3FF23F' };
  const dark = theme === 'dark';
  return {
    human: getColorFromToken(DataVizPalette.color1, dark),
    machine: getColorFromToken(DataVizPalette.color10, dark),
    replies: getColorFromToken(DataVizPalette.color5, dark),
  };
}

const dayTick = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const hourTick = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });

export function ActivityChart({ series, width }: { series: ActivitySeries; width: number }) {
  const styles = useStyles();
  const theme = usePaneTheme(usePaneServices().office);
  const colour = colours(theme);
  const buckets = chartBuckets(series);
  const data: VerticalStackedChartProps[] = buckets.map((b) => ({
    xAxisPoint: new Date(b.start),
    xAxisCalloutData: formatBucket(b.start, series.unit),
    chartData: [
      { legend: 'Opens by people', data: b.humanOpens, color: colour.human },
      { legend: 'Machine opens', data: b.machineOpens, color: colour.machine },
    ],
    // Replies are few next to opens: on their own scale (right axis), so the line is readable.
    lineData: [{ legend: 'Replies', y: b.replies, color: colour.replies, useSecondaryYScale: true }],
  }));
  const maxReplies = Math.max(1, ...buckets.map((b) => b.replies));
  return (
    <>
      <VerticalStackedBarChart
        data={data}
        width={width}
        height={220}
        chartTitle="Opens and replies over time"
        // Inert (the table is the interactive form): no tooltips, so no bar takes focus either.
        hideTooltip
        hideLegend
        hideLabels={buckets.length > 8}
        xAxisTickCount={Math.min(buckets.length, 5)}
        tickValues={chartTicks(buckets)}
        customDateTimeFormatter={(d) => (series.unit === 'day' ? dayTick : hourTick).format(d)}
        secondaryYScaleOptions={{ yMinValue: 0, yMaxValue: maxReplies }}
      />
      <ul className={styles.legend}>
        <li className={styles.key}>
          <span className={styles.swatch} style={{ backgroundColor: colour.human }} />
          Opens by people
        </li>
        <li className={styles.key}>
          <span className={styles.swatch} style={{ backgroundColor: colour.machine }} />
          Machine opens
        </li>
        <li className={styles.key}>
          <span className={styles.line} style={{ backgroundColor: colour.replies }} />
          Replies (right scale)
        </li>
      </ul>
    </>
  );
}

export default ActivityChart;
