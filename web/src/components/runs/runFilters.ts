// The runs list's filters live in the page's address (?job_id=&status=&trigger=&from=&to=), so
// a filtered list can be shared as a link. Times are RFC 3339 there, as the API takes them;
// the form shows them as local date-times.
import { type RunFilters, type RunStatus, kRunStatuses } from '../../api/runs';

export const kFilterNames = ['job_id', 'status', 'trigger', 'from', 'to'] as const;
export type FilterName = (typeof kFilterNames)[number];

/** The triggers a run can have (Run.trigger). */
export const kTriggers = ['schedule', 'manual', 'api', 'retry', 'rerun', 'workflow'] as const;

function isStatus(value: string): value is RunStatus {
  return (kRunStatuses as string[]).includes(value);
}

/** The filters in `params`; empty and unknown values are left out (an unknown status too). */
export function filtersFromParams(params: URLSearchParams): RunFilters {
  const filters: RunFilters = {};
  for (const name of kFilterNames) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    if (name === 'status') {
      if (isStatus(value)) filters.status = value;
    } else {
      filters[name] = value;
    }
  }
  return filters;
}

/** The address query for `filters`, in a fixed order. */
export function paramsFromFilters(filters: RunFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of kFilterNames) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  return params;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A datetime-local value ("2025-03-01T08:00", local time) as RFC 3339 in UTC; "" for none. */
export function localToRfc3339(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** An RFC 3339 time as a datetime-local value in local time; "" when unreadable. */
export function rfc3339ToLocal(value: string | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** The form's fields: the filters with times as local date-times. */
export type FilterDraft = Record<FilterName, string>;

export function draftFromFilters(filters: RunFilters): FilterDraft {
  return {
    job_id: filters.job_id ?? '',
    status: filters.status ?? '',
    trigger: filters.trigger ?? '',
    from: rfc3339ToLocal(filters.from),
    to: rfc3339ToLocal(filters.to),
  };
}

export function filtersFromDraft(draft: FilterDraft): RunFilters {
  const params = new URLSearchParams();
  params.set('job_id', draft.job_id);
  params.set('status', draft.status);
  params.set('trigger', draft.trigger);
  params.set('from', localToRfc3339(draft.from));
  params.set('to', localToRfc3339(draft.to));
  return filtersFromParams(params);
}
