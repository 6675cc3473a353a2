/**
 * The opens-and-replies chart (@fluentui/react-charts). Only ever imported lazily: the charts library
 * is large and arrives with the report, never in the first load.
 */
import {
  DataVizPalette,
  getColorFromToken,
  VerticalStackedBarChart,
  type VerticalStackedChartProps,
} from '@fluentui/react-charts';
import type { ActivitySeries } from '../../core/results/report';
import type { PaneTheme } from '../../outlook';
import { usePaneTheme } from '../theme/use-pane-theme';
import { usePaneServices } from '../pane-services';
import { formatBucket } from './format';

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

export function ActivityChart({ series, width }: { series: ActivitySeries; width: number }) {
  const theme = usePaneTheme(usePaneServices().office);
  const colour = colours(theme);
  const data: VerticalStackedChartProps[] = series.buckets.map((b) => ({
    xAxisPoint: new Date(b.start),
    xAxisCalloutData: formatBucket(b.start, series.unit),
    chartData: [
      { legend: 'Opens by people', data: b.humanOpens, color: colour.human },
      { legend: 'Machine opens', data: b.machineOpens, color: colour.machine },
    ],
    lineData: [{ legend: 'Replies', y: b.replies, color: colour.replies }],
  }));
  return (
    <VerticalStackedBarChart
      data={data}
      width={width}
      height={220}
      chartTitle="Opens and replies over time"
      isCalloutForStack
    />
  );
}

export default ActivityChart;
