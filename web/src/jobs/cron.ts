// A cron expression read the way the server reads it (docs/scheduling.md): five fields
// `minute hour day-of-month month day-of-week`, or six with `second` first; each field `*`, a
// value, `a-b`, `*/n`, `a-b/n`, `a/n` or a comma list of those; month and weekday names in
// any case; weekday 0-7 (0 and 7 Sunday); the @macros. The browser uses it to describe an
// expression while it is typed and to fill the weekday/hour/minute picker; the server stays
// the judge of what it accepts (the preview and the save call).

export type CronFieldName = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** One comma-separated item of a field, with its bounds resolved. */
export interface CronItem {
  /** Written starting with "*" (`*` or `*\/n`). */
  star: boolean;
  from: number;
  to: number;
  /** 1 when the item has no step. */
  step: number;
}

export interface CronField {
  /** The field's text as written. */
  text: string;
  items: CronItem[];
  /** Every value the field allows, ascending (weekday 7 folded into 0). */
  values: number[];
  /** Allows every value of its range. */
  all: boolean;
}

export interface ParsedCron {
  /** Null for a five-field expression. */
  second: CronField | null;
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
}

export type CronProblem =
  | { code: 'empty' }
  | { code: 'tooLong' }
  | { code: 'fieldCount'; count: number }
  | { code: 'unknownMacro'; text: string }
  | { code: 'badItem'; field: CronFieldName; text: string }
  | { code: 'outOfRange'; field: CronFieldName; text: string; min: number; max: number }
  | { code: 'tooManyItems'; field: CronFieldName }
  | { code: 'never' };

export type CronParse = { ok: true; cron: ParsedCron } | { ok: false; problem: CronProblem };

const kMaxLength = 256;
const kMaxItems = 64;

const kMacros: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const kMonthNames = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const kWeekdayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldRule {
  name: CronFieldName;
  min: number;
  max: number;
  /** Names for values, lower case, first one meaning `min`. */
  names?: string[];
}

const kRules: Record<CronFieldName, FieldRule> = {
  second: { name: 'second', min: 0, max: 59 },
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  dayOfMonth: { name: 'dayOfMonth', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: kMonthNames },
  dayOfWeek: { name: 'dayOfWeek', min: 0, max: 7, names: kWeekdayNames },
};

/** The days in each month, February with 29 (leap years exist). */
const kDaysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function readValue(text: string, rule: FieldRule): number | null {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const index = rule.names?.indexOf(text.toLowerCase()) ?? -1;
  return index < 0 ? null : rule.min + index;
}

type ItemResult = { item: CronItem } | { problem: CronProblem };

function readItem(text: string, rule: FieldRule): ItemResult {
  const bad = { problem: { code: 'badItem', field: rule.name, text } as CronProblem };
  const outOfRange = {
    problem: {
      code: 'outOfRange',
      field: rule.name,
      text,
      min: rule.min,
      max: rule.max,
    } as CronProblem,
  };
  const [base = '', stepText, extra] = text.split('/');
  if (extra !== undefined || base === '') return bad;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,3}$/.test(stepText) || Number(stepText) === 0) return bad;
    step = Number(stepText);
  }
  if (base === '*') return { item: { star: true, from: rule.min, to: rule.max, step } };
  const [fromText = '', toText, more] = base.split('-');
  if (more !== undefined) return bad;
  const from = readValue(fromText, rule);
  if (from === null) return bad;
  let to = from;
  if (toText !== undefined) {
    const end = readValue(toText, rule);
    if (end === null) return bad;
    to = end;
  } else if (stepText !== undefined) {
    to = rule.max; // "a/n": from a to the field's maximum
  }
  if (from < rule.min || to > rule.max || from > to) return outOfRange;
  return { item: { star: false, from, to, step } };
}

function readField(text: string, rule: FieldRule): { field: CronField } | { problem: CronProblem } {
  const parts = text.split(',');
  if (parts.length > kMaxItems) return { problem: { code: 'tooManyItems', field: rule.name } };
  const items: CronItem[] = [];
  const values = new Set<number>();
  for (const part of parts) {
    const result = readItem(part, rule);
    if ('problem' in result) return result;
    items.push(result.item);
    for (let v = result.item.from; v <= result.item.to; v += result.item.step) {
      values.add(rule.name === 'dayOfWeek' && v === 7 ? 0 : v);
    }
  }
  const sorted = [...values].sort((a, b) => a - b);
  const size = rule.name === 'dayOfWeek' ? 7 : rule.max - rule.min + 1;
  return { field: { text, items, values: sorted, all: sorted.length === size } };
}

/** True when the field is "restricted" in Vixie cron's sense: its text does not start with *. */
export function isRestricted(field: CronField): boolean {
  return !field.text.startsWith('*');
}

/** Whether some (month, day-of-month) pair exists; with both day fields restricted, any weekday. */
function canFire(cron: ParsedCron): boolean {
  if (isRestricted(cron.dayOfMonth) && isRestricted(cron.dayOfWeek)) return true;
  const firstDay = cron.dayOfMonth.values[0] ?? 1;
  return cron.month.values.some((month) => firstDay <= (kDaysInMonth[month - 1] ?? 31));
}

/** The expression a macro stands for, or the text itself (trimmed). */
export function expandMacro(text: string): string {
  const trimmed = text.trim();
  return kMacros[trimmed.toLowerCase()] ?? trimmed;
}

export function parseCron(text: string): CronParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: { code: 'empty' } };
  if (trimmed.length > kMaxLength) return { ok: false, problem: { code: 'tooLong' } };
  if (trimmed.startsWith('@') && !(trimmed.toLowerCase() in kMacros)) {
    return { ok: false, problem: { code: 'unknownMacro', text: trimmed } };
  }
  const parts = expandMacro(trimmed).split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    return { ok: false, problem: { code: 'fieldCount', count: parts.length } };
  }
  const names: CronFieldName[] =
    parts.length === 6
      ? ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek']
      : ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];
  const fields: Partial<Record<CronFieldName, CronField>> = {};
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    const result = readField(parts[i]!, kRules[name]);
    if ('problem' in result) return { ok: false, problem: result.problem };
    fields[name] = result.field;
  }
  const cron: ParsedCron = {
    second: fields.second ?? null,
    minute: fields.minute!,
    hour: fields.hour!,
    dayOfMonth: fields.dayOfMonth!,
    month: fields.month!,
    dayOfWeek: fields.dayOfWeek!,
  };
  if (!canFire(cron)) return { ok: false, problem: { code: 'never' } };
  return { ok: true, cron };
}
