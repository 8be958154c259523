// The weekday × hour × minute picker and the cron expression it stands for. The picker
// offers every hour and the minutes in steps of five; an expression that needs anything else
// (days of the month, months, other minutes, seconds, steps) is typed as cron instead.
import { parseCron } from './cron';

export interface PickerSelection {
  /** 0 = Sunday ... 6 = Saturday; none or all means every day. */
  weekdays: number[];
  hours: number[];
  minutes: number[];
}

/** The minutes the picker offers. */
export const kPickerMinutes = Array.from({ length: 12 }, (_, i) => i * 5);
export const kPickerHours = Array.from({ length: 24 }, (_, i) => i);
/** Monday first, as calendars in Brazil and most of Europe show weeks. */
export const kPickerWeekdays = [1, 2, 3, 4, 5, 6, 0];

const sorted = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

/** "1,2,3,5" -> "1-3,5": runs of three or more values as ranges. */
export function compactList(values: number[]): string {
  const parts: string[] = [];
  const list = sorted(values);
  let start = 0;
  while (start < list.length) {
    let end = start;
    while (end + 1 < list.length && list[end + 1] === list[end]! + 1) end += 1;
    if (end - start >= 2) parts.push(`${list[start]}-${list[end]}`);
    else for (let i = start; i <= end; i += 1) parts.push(String(list[i]));
    start = end + 1;
  }
  return parts.join(',');
}

/** The cron expression of a selection; null until at least one hour and one minute are chosen. */
export function selectionToCron(selection: PickerSelection): string | null {
  if (selection.hours.length === 0 || selection.minutes.length === 0) return null;
  const days = sorted(selection.weekdays);
  const dayField = days.length === 0 || days.length === 7 ? '*' : compactList(days);
  return `${compactList(selection.minutes)} ${compactList(selection.hours)} * * ${dayField}`;
}

/**
 * The selection an expression stands for, or null when the picker cannot show it: seconds
 * other than 0, restricted days of the month or months, or minutes off the five-minute grid.
 */
export function cronToSelection(text: string): PickerSelection | null {
  const parsed = parseCron(text);
  if (!parsed.ok) return null;
  const { cron } = parsed;
  if (cron.second && cron.second.text !== '0') return null;
  if (!cron.dayOfMonth.all || !cron.month.all) return null;
  if (!cron.minute.values.every((m) => kPickerMinutes.includes(m))) return null;
  return {
    weekdays: cron.dayOfWeek.all ? [] : cron.dayOfWeek.values,
    hours: cron.hour.values,
    minutes: cron.minute.values,
  };
}

const kWeekdayCodes = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * A weekdays × times schedule (the API's other spec form) as cron, when its times are every
 * combination of their hours and minutes ("06:00", "06:30", "12:00", "12:30"); else null.
 */
export function weekdayTimesToCron(weekdays: string[], times: string[]): string | null {
  const hours = new Set<number>();
  const minutes = new Set<number>();
  const seen = new Set<string>();
  for (const time of times) {
    const match = /^(\d{2}):(\d{2})$/.exec(time);
    if (!match) return null;
    hours.add(Number(match[1]));
    minutes.add(Number(match[2]));
    seen.add(`${Number(match[1])}:${Number(match[2])}`);
  }
  if (hours.size === 0 || seen.size !== hours.size * minutes.size) return null;
  const days = weekdays.map((day) => kWeekdayCodes.indexOf(day as (typeof kWeekdayCodes)[number]));
  if (days.some((day) => day < 0)) return null;
  return selectionToCron({ weekdays: days, hours: [...hours], minutes: [...minutes] });
}
