import type { ActivityBucket, ActivitySeries } from '../../core/results/report';

/**
 * The buckets the chart draws. A line needs two points: when everything so far fell in one bucket
 * (a campaign's first hour), the empty bucket before it — before the campaign started, so truly
 * zero — is drawn too, or the replies line would not show at all. The table keeps the series as is.
 */
export function chartBuckets(series: ActivitySeries): ActivityBucket[] {
  const [only] = series.buckets;
  if (series.buckets.length !== 1 || !only) return series.buckets;
  const size = only.end - only.start;
  return [{ start: only.start - size, end: only.start, humanOpens: 0, machineOpens: 0, replies: 0 }, only];
}

/**
 * The x-axis ticks: at most `max` bucket starts, evenly spread. Left to itself the time axis puts
 * ticks between buckets (every 15 minutes across two hours), which the hour format labels alike.
 */
export function chartTicks(buckets: readonly ActivityBucket[], max = 5): Date[] {
  const step = Math.max(1, Math.ceil(buckets.length / max));
  return buckets.filter((_, i) => i % step === 0).map((b) => new Date(b.start));
}
