import type { Language } from '../i18n';

/** A server time (RFC 3339) as a short local date and time in the page's language. */
export function formatDateTime(language: Language, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    date,
  );
}

/** A server time as a local date only. */
export function formatDate(language: Language, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(date);
}

/** A count in the page's language (e.g. "12,345" or "12.345"). */
export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A size in bytes with a binary unit (B, KB, MB, GB; 1 KB = 1024 B), one decimal above B. */
export function formatBytes(
  language: Language,
  bytes: number,
  units: { b: string; kb: string; mb: string; gb: string },
): string {
  const steps = [units.b, units.kb, units.mb, units.gb];
  let value = bytes;
  let step = 0;
  while (value >= 1024 && step < steps.length - 1) {
    value /= 1024;
    step += 1;
  }
  const digits = step === 0 ? 0 : 1;
  const text = new Intl.NumberFormat(language, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return `${text} ${steps[step]}`;
}
