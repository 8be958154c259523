// Where a save error is shown: the API names the field of a 422 by its path in the request
// ("config.query", "parameters[0].type", "policies.retries.count"); the editor shows it under
// the control of that path, and anything it has no control for in an alert over the form.
import { ApiError } from '../api/client';
import { errorText } from '../components/errors';
import type { Messages } from '../i18n';
import { kSqlExport } from './jobDraft';

/** The controls of the general fields and policies, by the path the API names them with. */
const kJobFields = new Set([
  'name',
  'description',
  'tags',
  'type',
  'parameters',
  'policies.timeout_seconds',
  'policies.retries.count',
  'policies.retries.backoff_seconds',
  'policies.overlap',
  'policies.max_concurrent',
]);

const kParameterMembers = new Set(['name', 'type', 'default', 'required', 'description']);

/** The sql_export form's controls by path; "config.csv.<option>" are added below. */
const kSqlExportFields = new Set([
  'config.connection',
  'config.query',
  'config.timezone',
  'config.days_offset',
  'config.read_only',
  'config.statement_timeout_seconds',
  'config.output.storage',
  'config.output.path',
  'config.output.mode',
  'config.output.key',
  'config.output.date_column',
  'config.output.period',
  'config.dataset',
  'config.keep_versions',
]);

const kCsvOptions = new Set([
  'preset',
  'delimiter',
  'quote',
  'header',
  'line_ending',
  'encoding',
  'on_unmappable',
  'decimal_separator',
  'date_format',
  'time_format',
  'timestamp_format',
  'null_text',
  'gzip',
  'formula_guard',
]);

/**
 * The control a field path is shown at, or null when the form has none for it: "tags[2]" is
 * the tags field; a parameter's member is that row's control; a type that describes its
 * config fields (`configFields`, their names) has a control per field ("config.seconds");
 * with a JSON config any "config..." path is the JSON editor ("config").
 */
export function controlOf(
  field: string,
  type: string,
  parameterCount: number,
  configFields: readonly string[] = [],
): string | null {
  if (/^tags\[\d+\]$/.test(field)) return 'tags';
  if (kJobFields.has(field)) return field;
  const parameter = /^parameters\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (parameter) {
    const index = Number(parameter[1]);
    const member = parameter[2];
    if (index >= parameterCount) return 'parameters';
    return member && kParameterMembers.has(member) ? field : `parameters[${index}].name`;
  }
  if (field !== 'config' && !field.startsWith('config.')) return null;
  if (type !== kSqlExport && configFields.length > 0) {
    return configFields.some((name) => field === `config.${name}`) ? field : null;
  }
  if (type !== kSqlExport) return 'config';
  if (kSqlExportFields.has(field)) return field;
  const csv = /^config\.csv\.(\w+)$/.exec(field);
  if (csv && kCsvOptions.has(csv[1]!)) return field;
  return null;
}

/** A save's errors: each under its control, or `form` for the alert over the form. */
export interface FieldErrors {
  at: (control: string) => string | undefined;
  form: string | null;
}

export const kNoErrors: FieldErrors = { at: () => undefined, form: null };

export function jobFieldErrors(
  m: Messages,
  error: unknown,
  type: string,
  parameterCount: number,
  configFields: readonly string[] = [],
): FieldErrors {
  if (!error) return kNoErrors;
  if (error instanceof ApiError && error.status === 409 && error.details.field === 'name') {
    return { at: (c) => (c === 'name' ? error.message : undefined), form: null };
  }
  const control =
    error instanceof ApiError && error.field
      ? controlOf(error.field, type, parameterCount, configFields)
      : null;
  if (control) {
    const message = (error as ApiError).message;
    return { at: (c) => (c === control ? message : undefined), form: null };
  }
  return { at: () => undefined, form: errorText(m, error) };
}
