// The home page's overview (GET /api/v1/overview): counts, failures, upcoming fires and the
// run history, in one call, refreshed on an interval while the page is shown.
import { useQuery } from '@tanstack/react-query';
import { ApiError, type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';

export type Overview = Schemas['Overview'];
export type OverviewRun = Schemas['OverviewRun'];
export type OverviewDay = Overview['daily'][number];
export type UpcomingFire = Overview['upcoming_fires'][number];

/** Days of history the home page asks for (today included). */
export const kOverviewDays = 14;

/**
 * How often the overview is fetched again while a page shows it. TanStack Query runs one
 * interval per query however many components use it, and skips it while the browser tab is
 * hidden (refetchIntervalInBackground is off), so there is no refetch storm.
 */
export const kOverviewRefreshMs = 30_000;

/** The browser's IANA time zone (e.g. "America/Sao_Paulo"), or "" when it cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/**
 * GET /api/v1/overview with `days` of history counted in the browser's zone. A server that
 * does not know that zone answers 422 naming `tz`; the overview is then asked for in the
 * server's own zone (the answer's `time_zone` says which one was used).
 */
export function useOverview(days: number = kOverviewDays) {
  const tz = browserTimeZone();
  return useQuery({
    queryKey: queryKeys.overview({ days, tz }),
    queryFn: async ({ signal }) => {
      const get = (query: { days: number; tz?: string }) =>
        call(api.GET('/api/v1/overview', { params: { query }, signal }));
      if (!tz) return get({ days });
      try {
        return await get({ days, tz });
      } catch (err) {
        if (err instanceof ApiError && err.field === 'tz') return get({ days });
        throw err;
      }
    },
    refetchInterval: kOverviewRefreshMs,
    refetchIntervalInBackground: false,
    // Coming back to the page shows the cached overview at once and fetches a fresh one: jobs
    // and runs change on other pages, and a run just made must count when Home shows again.
    // The stale time only spares refetches on window focus.
    staleTime: kOverviewRefreshMs - 5_000,
    refetchOnMount: 'always',
  });
}
