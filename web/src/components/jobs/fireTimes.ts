import type { Language } from '../../i18n';

/**
 * A fire time as the wall clock of `zone` shows it, weekday included ("Mon, 16 Feb 2026,
 * 06:00"); in the browser's zone when `zone` is not one Intl knows.
 */
export function formatInZone(language: Language, iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone: zone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(language, options).format(date);
  }
}
