// Formatting for the home overview, with Intl in the page's language: percentages, run
// durations, times relative to a moment, calendar days and the first line of an error.
import type { Language } from '../i18n';

/** A ratio 0..1 as a percentage ("93.5%", "93,5%"), one decimal at most. */
export function formatPercent(language: Language, ratio: number): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(
    ratio,
  );
}

/**
 * A duration in milliseconds in the largest unit it fills ("850 ms", "4.2 sec", "12 min",
 * "1.5 hr"): one decimal below 10 of a unit, none above.
 */
export function formatDuration(language: Language, ms: number): string {
  const units = [
    { unit: 'hour', size: 3_600_000 },
    { unit: 'minute', size: 60_000 },
    { unit: 'second', size: 1_000 },
  ] as const;
  const chosen = units.find(({ size }) => Math.abs(ms) >= size);
  const unit = chosen?.unit ?? 'millisecond';
  const value = chosen ? ms / chosen.size : ms;
  const digits = chosen && Math.abs(value) < 10 ? 1 : 0;
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * The time `iso` relative to `nowMs` ("in 5 minutes", "3 hours ago", "há 2 dias"), in the
 * largest unit that fits. Empty for a missing or unreadable time.
 */
export function formatRelative(language: Language, iso: string | null, nowMs: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.round((at - nowMs) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3_600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3_600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

/**
 * A calendar day given as "YYYY-MM-DD" (already counted in the overview's zone), e.g. "Jan 5"
 * or, `long`, "Sun, Jan 5". Formatted as UTC so the browser's zone cannot move it a day.
 */
export function formatDay(language: Language, day: string, long = false): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(language, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    ...(long ? { weekday: 'short' } : {}),
  }).format(date);
}

/** The first non-empty line of `text`, trimmed (an error's headline). */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}
