// The `config` of a sql_export job (SqlExportConfig in api/openapi.yaml) as the form holds it:
// numbers as the text of their inputs, lists as comma-separated text. The body leaves out
// what is empty (the server fills in its defaults) and sends numbers that do not read as
// numbers as typed, so the server's 422 names the field.
import { type CsvDraft, csvBody, csvDraftOf, presetOptions } from './csvOptions';

export type ExportMode = 'overwrite' | 'accumulate' | 'per_period';
export type ExportPeriod = 'day' | 'month' | 'year';
/** How accumulate picks the old rows a run replaces. */
export type AccumulateBy = 'key' | 'date_column';

export const kExportModes: ExportMode[] = ['overwrite', 'accumulate', 'per_period'];
export const kExportPeriods: ExportPeriod[] = ['day', 'month', 'year'];

export interface SqlExportDraft {
  connection: string;
  query: string;
  /** Empty: the schedule's zone, then the server's. */
  timezone: string;
  daysOffset: string;
  readOnly: boolean;
  statementTimeoutSeconds: string;
  csv: CsvDraft;
  /** A storage connection's name; empty: the server's default ("exports"). */
  storage: string;
  path: string;
  mode: ExportMode;
  accumulateBy: AccumulateBy;
  /** Comma-separated column names (accumulate by key). */
  key: string;
  dateColumn: string;
  period: ExportPeriod;
  /** Empty: derived from the job's name. */
  dataset: string;
  keepVersions: string;
}

export function emptySqlExport(): SqlExportDraft {
  return {
    connection: '',
    query: '',
    timezone: '',
    daysOffset: '',
    readOnly: true,
    statementTimeoutSeconds: '',
    csv: presetOptions('rfc4180'),
    storage: '',
    path: '',
    mode: 'overwrite',
    accumulateBy: 'key',
    key: '',
    dateColumn: '',
    period: 'month',
    dataset: '',
    keepVersions: '',
  };
}

const text = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return options.find((option) => option === value) ?? fallback;
}

/** The form of a stored config. */
export function sqlExportDraftOf(config: unknown): SqlExportDraft {
  const c = record(config);
  const output = record(c.output);
  const key = Array.isArray(output.key) ? output.key.map(String) : [];
  return {
    connection: text(c.connection),
    query: text(c.query),
    timezone: text(c.timezone),
    daysOffset: text(c.days_offset),
    readOnly: c.read_only !== false,
    statementTimeoutSeconds: text(c.statement_timeout_seconds),
    csv: csvDraftOf(c.csv),
    storage: text(output.storage),
    path: text(output.path),
    mode: oneOf(output.mode, kExportModes, 'overwrite'),
    accumulateBy: key.length === 0 && text(output.date_column) !== '' ? 'date_column' : 'key',
    key: key.join(', '),
    dateColumn: text(output.date_column),
    period: oneOf(output.period, kExportPeriods, 'month'),
    dataset: text(c.dataset),
    keepVersions: text(c.keep_versions),
  };
}

/** An integer input's value for the body: a number when it is one, else the text as typed. */
export function integerOrText(value: string): number | string {
  const trimmed = value.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** "a, b ,c" -> ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The `config` of the request. */
export function sqlExportBody(draft: SqlExportDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    connection: draft.connection.trim(),
    query: draft.query,
  };
  if (draft.timezone.trim()) body.timezone = draft.timezone.trim();
  if (draft.daysOffset.trim()) body.days_offset = integerOrText(draft.daysOffset);
  body.read_only = draft.readOnly;
  if (draft.statementTimeoutSeconds.trim()) {
    body.statement_timeout_seconds = integerOrText(draft.statementTimeoutSeconds);
  }
  body.csv = csvBody(draft.csv);
  const output: Record<string, unknown> = { mode: draft.mode };
  if (draft.storage.trim()) output.storage = draft.storage.trim();
  if (draft.path.trim()) output.path = draft.path.trim();
  if (draft.mode === 'accumulate') {
    // The server wants exactly one of the two; the other is not sent.
    if (draft.accumulateBy === 'key') output.key = splitList(draft.key);
    else output.date_column = draft.dateColumn.trim();
  }
  if (draft.mode === 'per_period') output.period = draft.period;
  body.output = output;
  if (draft.dataset.trim()) body.dataset = draft.dataset.trim();
  if (draft.keepVersions.trim()) body.keep_versions = integerOrText(draft.keepVersions);
  return body;
}
