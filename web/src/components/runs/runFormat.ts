// Formatting for the runs pages: durations, JSON values of parameters and results, and what a
// runner's `progress` object says.
import type { Run } from '../../api/runs';
import type { Language, Messages } from '../../i18n';

function unit(language: Language, value: number, name: string, digits = 0): string {
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: name,
    unitDisplay: 'narrow',
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * A run's duration in its two largest units: "850ms", "4.2s", "3m 5s", "1h 2m" (in the page's
 * language). Empty for none.
 */
export function formatRunDuration(language: Language, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1_000) return unit(language, Math.round(ms), 'millisecond');
  if (ms < 60_000) return unit(language, Math.floor(ms / 100) / 10, 'second', 1);
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) {
    const rest = seconds % 60;
    const minutes = unit(language, Math.floor(seconds / 60), 'minute');
    return rest ? `${minutes} ${unit(language, rest, 'second')}` : minutes;
  }
  const rest = Math.floor((seconds % 3_600) / 60);
  const hours = unit(language, Math.floor(seconds / 3_600), 'hour');
  return rest ? `${hours} ${unit(language, rest, 'minute')}` : hours;
}

/** A parameter or result value as text: strings as they are, anything else as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** The members of a JSON object (parameters, result) in their order; none for a non-object. */
export function objectEntries(value: unknown): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>);
}

/**
 * What a runner's progress says, for a progress bar: `fraction` 0..1 when the end is known
 * (util.wait reports waited_ms of of_ms), `rows` when rows are being counted (sql_export
 * reports {rows, phase} every 10,000 rows, then once more when done), neither otherwise.
 */
export interface ProgressView {
  fraction: number | null;
  rows: number | null;
  done: boolean;
}

export function progressView(progress: unknown): ProgressView {
  const view: ProgressView = { fraction: null, rows: null, done: false };
  const object = Object.fromEntries(objectEntries(progress));
  const { rows, phase, waited_ms: waited, of_ms: of } = object;
  if (typeof rows === 'number' && Number.isFinite(rows)) view.rows = rows;
  if (typeof waited === 'number' && typeof of === 'number' && of > 0) {
    view.fraction = Math.min(1, Math.max(0, waited / of));
  }
  view.done = phase === 'done';
  return view;
}

/** How a run was triggered, and by whom: e.g. {what: "manual", by: "by maria"}. */
export function triggerText(m: Messages, run: Pick<Run, 'trigger' | 'triggered_by'>) {
  const what = m.runs.triggers[run.trigger] ?? run.trigger;
  const { name, kind } = run.triggered_by;
  if (!name) return { what, by: '' };
  const who = kind === 'user' ? name : `${name} (${m.runs.actorKinds[kind]})`;
  return { what, by: m.runs.triggeredBy(who) };
}
