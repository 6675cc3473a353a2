import { countOf, NOUNS } from '../../shared/plural';

/** How the report writes times, durations, shares and counts for the recruiter (their locale). */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const hour = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric' });

export const formatDateTime = (t: number) => dateTime.format(t);
export const formatBucket = (t: number, unit: 'hour' | 'day') => (unit === 'day' ? day : hour).format(t);
export const formatCount = (n: number) => n.toLocaleString();

/** "42%" (or "—" when there is nothing to divide by). */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const percent = rate * 100;
  return `${percent > 0 && percent < 1 ? '<1' : Math.round(percent)}%`;
}

/** "45 min", "3 h 20 min", "2 days 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return `${countOf(days, NOUNS.day)}${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
