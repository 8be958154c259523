// IANA time zones for the pickers: what the browser knows (Intl.supportedValuesOf), with the
// browser's own zone and UTC always present. The server checks the name when it is saved.

/** A few zones for browsers without Intl.supportedValuesOf. */
const kFallbackZones = [
  'America/Sao_Paulo',
  'America/Manaus',
  'America/Recife',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/Lisbon',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Tokyo',
  'Australia/Sydney',
];

/** The browser's zone (e.g. "America/Sao_Paulo"); UTC when it cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let cached: string[] | null = null;

/** Every zone to offer, sorted, without duplicates. */
export function timeZones(): string[] {
  if (cached) return cached;
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  let zones: string[] = kFallbackZones;
  try {
    if (typeof intl.supportedValuesOf === 'function') zones = intl.supportedValuesOf('timeZone');
  } catch {
    // Older engines: the short list above.
  }
  cached = [...new Set([...zones, browserTimeZone(), 'UTC'])].sort();
  return cached;
}

/** `zones` with `zone` in it (a stored zone this browser does not list still shows). */
export function withZone(zones: string[], zone: string): string[] {
  return zone === '' || zones.includes(zone) ? zones : [zone, ...zones];
}
