// A cron expression in plain words, in the page's language. The grammar of each language is
// in its dictionary (CronWords, at m.jobs.cron); this file decides which phrases an
// expression needs. It describes what the expression means, not the time zone nor DST.
import {
  type CronField,
  type CronItem,
  type CronProblem,
  type ParsedCron,
  isRestricted,
  parseCron,
} from './cron';

/** A run of consecutive values: a single value when from === to. */
export interface Span {
  from: number;
  to: number;
}

/** Phrases for one time unit (seconds, minutes, hours). `plural`: more than one value. */
export interface UnitWords {
  every: string;
  everyN: (n: number) => string;
  at: (items: string[], plural: boolean) => string;
}

export interface CronWords {
  /** "a, b and c". */
  list: (items: string[]) => string;
  /** A range item, e.g. "1 to 10". */
  range: (from: string, to: string) => string;
  /** A stepped item, e.g. "every 5 from 10 to 40". */
  stepped: (step: number, from: string, to: string) => string;
  second: UnitWords;
  minute: UnitWords;
  hour: UnitWords & { between: (from: string, to: string) => string };
  atTimes: (times: string[]) => string;
  everyDay: string;
  /** Monday to Friday. */
  everyWeekday: string;
  /** Saturday and Sunday. */
  everyWeekend: string;
  /** Weekday spans, 0 = Sunday. */
  onWeekdays: (spans: Span[]) => string;
  everyNDays: (n: number) => string;
  onMonthDays: (items: string[], plural: boolean) => string;
  /** Both day fields restricted: a day matches either (Vixie cron). */
  dayOrWeekday: (days: string, weekdays: string) => string;
  /** Day field with a leading "*" and a weekday field: a day must match both. */
  dayAndWeekday: (days: string, weekdays: string) => string;
  /** Month spans, 1 = January. */
  inMonths: (spans: Span[]) => string;
  fieldNames: Record<'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek', string>;
  problems: {
    empty: string;
    tooLong: string;
    fieldCount: (count: number) => string;
    unknownMacro: (text: string) => string;
    badItem: (field: string, text: string) => string;
    outOfRange: (field: string, text: string, min: number, max: number) => string;
    tooManyItems: (field: string) => string;
    never: string;
  };
}

export type CronDescription = { ok: true; text: string } | { ok: false; problem: string };

/** At most this many fixed times are listed ("at 06:00 and 12:30"); more read as a pattern. */
const kMaxListedTimes = 12;
/** A stepped item is spelt out as its values when it has at most this many. */
const kMaxSpelledValues = 12;

const pad = (n: number) => String(n).padStart(2, '0');

/** Consecutive values joined into spans: [1,2,3,5] -> 1-3, 5. */
export function spansOf(values: number[]): Span[] {
  const spans: Span[] = [];
  for (const value of values) {
    const last = spans[spans.length - 1];
    if (last && value === last.to + 1) last.to = value;
    else spans.push({ from: value, to: value });
  }
  return spans;
}

function isValueList(field: CronField): boolean {
  return field.items.every((item) => !item.star && item.from === item.to);
}

function itemTexts(field: CronField, words: CronWords, show: (n: number) => string): string[] {
  const out: string[] = [];
  for (const item of field.items) out.push(...itemText(item, words, show));
  return out;
}

function itemText(item: CronItem, words: CronWords, show: (n: number) => string): string[] {
  if (item.step === 1) {
    return [item.from === item.to ? show(item.from) : words.range(show(item.from), show(item.to))];
  }
  const values: number[] = [];
  for (let v = item.from; v <= item.to; v += item.step) values.push(v);
  if (values.length <= kMaxSpelledValues) return values.map(show);
  return [words.stepped(item.step, show(item.from), show(item.to))];
}

/** "*\/n" alone: a plain frequency. */
function everyStep(field: CronField): number | null {
  const [only] = field.items;
  return field.items.length === 1 && only && only.star && only.step > 1 ? only.step : null;
}

function unitPhrase(field: CronField, unit: UnitWords, words: CronWords): string {
  if (field.all && field.text === '*') return unit.every;
  const step = everyStep(field);
  if (step !== null) return unit.everyN(step);
  return unit.at(itemTexts(field, words, String), field.values.length > 1);
}

function hourPhrase(field: CronField, words: CronWords): string | null {
  if (field.text === '*') return null;
  const step = everyStep(field);
  if (step !== null) return words.hour.everyN(step);
  const [only] = field.items;
  if (field.items.length === 1 && only && only.step === 1 && only.from !== only.to) {
    return words.hour.between(`${pad(only.from)}:00`, `${pad(only.to)}:59`);
  }
  return words.hour.at(itemTexts(field, words, String), field.values.length > 1);
}

/** The fixed times of day, when the time fields are short lists of plain values. */
function fixedTimes(cron: ParsedCron): string[] | null {
  const second = cron.second;
  const withSeconds = second !== null && second.text !== '0';
  if (!isValueList(cron.minute) || !isValueList(cron.hour)) return null;
  if (withSeconds && !isValueList(second)) return null;
  const seconds = withSeconds ? second.values : [0];
  const count = cron.hour.values.length * cron.minute.values.length * seconds.length;
  if (count > kMaxListedTimes) return null;
  const times: string[] = [];
  for (const h of cron.hour.values) {
    for (const m of cron.minute.values) {
      for (const s of seconds) times.push(`${pad(h)}:${pad(m)}${withSeconds ? `:${pad(s)}` : ''}`);
    }
  }
  return times;
}

/** Spans for words: a span of two values reads better as the two ("Friday and Saturday"). */
function readableSpans(values: number[]): Span[] {
  return spansOf(values).flatMap((s) =>
    s.to === s.from + 1 ? [{ from: s.from, to: s.from }, { from: s.to, to: s.to }] : [s],
  );
}

function weekdayPhrase(field: CronField, words: CronWords): string {
  const key = field.values.join(',');
  if (key === '1,2,3,4,5') return words.everyWeekday;
  if (key === '0,6') return words.everyWeekend;
  // Sunday counted as day 7 when that joins it to Saturday's run (Friday to Sunday).
  const direct = readableSpans(field.values);
  const sundayLast = field.values.includes(0)
    ? readableSpans([...field.values.filter((v) => v !== 0), 7])
    : direct;
  const spans = sundayLast.length < direct.length ? sundayLast : direct;
  return words.onWeekdays(spans.map((s) => ({ from: s.from % 7, to: s.to % 7 })));
}

function monthDayPhrase(field: CronField, words: CronWords): string {
  const step = everyStep(field);
  if (step !== null) return words.everyNDays(step);
  return words.onMonthDays(itemTexts(field, words, String), field.values.length > 1);
}

/** The days part; null when the expression fires every day. */
function dayPhrase(cron: ParsedCron, words: CronWords): string | null {
  const { dayOfMonth, dayOfWeek } = cron;
  if (dayOfMonth.all && dayOfWeek.all) return null;
  if (dayOfMonth.all) return weekdayPhrase(dayOfWeek, words);
  if (dayOfWeek.all) return monthDayPhrase(dayOfMonth, words);
  const days = monthDayPhrase(dayOfMonth, words);
  const weekdays = weekdayPhrase(dayOfWeek, words);
  return isRestricted(dayOfMonth) && isRestricted(dayOfWeek)
    ? words.dayOrWeekday(days, weekdays)
    : words.dayAndWeekday(days, weekdays);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The parsed expression as one sentence. */
export function describeParsed(cron: ParsedCron, words: CronWords): string {
  const days = dayPhrase(cron, words);
  const months = cron.month.all ? null : words.inMonths(readableSpans(cron.month.values));
  const times = fixedTimes(cron);
  const parts: string[] = [];
  if (times) {
    parts.push(`${days ?? words.everyDay} ${words.atTimes(times)}`);
  } else {
    const second = cron.second;
    const minute = unitPhrase(cron.minute, words.minute, words);
    if (second && second.text !== '0') {
      parts.push(unitPhrase(second, words.second, words));
      // "Every 10 seconds" already says every minute; "at second 30" does not.
      const secondIsFrequency = second.text === '*' || everyStep(second) !== null;
      if (cron.minute.text !== '*' || !secondIsFrequency) parts.push(minute);
    } else {
      parts.push(minute);
    }
    const hours = hourPhrase(cron.hour, words);
    if (hours) parts.push(hours);
    // "At minute 30" alone leaves the hour unsaid: it is every hour.
    else if (cron.minute.text !== '*' && everyStep(cron.minute) === null) {
      parts.push(words.hour.every);
    }
    if (days) parts.push(days);
  }
  if (months) parts.push(months);
  return capitalise(parts.join(', '));
}

export function problemText(problem: CronProblem, words: CronWords): string {
  const p = words.problems;
  switch (problem.code) {
    case 'empty':
      return p.empty;
    case 'tooLong':
      return p.tooLong;
    case 'fieldCount':
      return p.fieldCount(problem.count);
    case 'unknownMacro':
      return p.unknownMacro(problem.text);
    case 'badItem':
      return p.badItem(words.fieldNames[problem.field], problem.text);
    case 'outOfRange':
      return p.outOfRange(words.fieldNames[problem.field], problem.text, problem.min, problem.max);
    case 'tooManyItems':
      return p.tooManyItems(words.fieldNames[problem.field]);
    case 'never':
      return p.never;
  }
}

/** `text` in words, or why it is not a cron expression. */
export function describeCron(text: string, words: CronWords): CronDescription {
  const parsed = parseCron(text);
  if (!parsed.ok) return { ok: false, problem: problemText(parsed.problem, words) };
  return { ok: true, text: describeParsed(parsed.cron, words) };
}
