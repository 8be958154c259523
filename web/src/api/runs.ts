// Runs: one hook per operation of /api/v1/runs and /api/v1/runs/{id}/... that the dashboard
// reads as JSON, and the URLs a browser fetches directly (the event stream, downloads). The
// live log itself (GET .../events) is in runEvents.ts.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';
import type { operations } from './schema.gen';

export type Run = Schemas['Run'];
export type RunDetail = Schemas['RunDetail'];
export type RunStatus = Schemas['RunStatus'];
export type RunPage = Schemas['RunPage'];
export type LogLine = Schemas['LogLine'];
export type Artifact = Schemas['Artifact'];
type RunsQuery = NonNullable<operations['listRuns']['parameters']['query']>;

/** The list's filters, as GET /runs takes them; absent members are not sent. */
export type RunFilters = Pick<RunsQuery, 'job_id' | 'status' | 'trigger' | 'from' | 'to'>;

/** Every status, in the order a run goes through them. */
export const kRunStatuses: RunStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
];

/** True while the run may still change: it is waiting or running. */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Runs per page of the list. */
export const kRunsPageSize = 50;
/** How often a list with a queued or running run is asked again. */
export const kActiveRefreshMs = 5_000;
/** Jobs the runs filter offers (the API's largest page; jobs by name). */
export const kJobChoicesLimit = 500;

/** The path of a run's API resource, with the id escaped. */
export function runPath(id: string): string {
  return `/api/v1/runs/${encodeURIComponent(id)}`;
}

/** GET .../events, resuming after line `after` (0: from the first line). */
export function runEventsPath(id: string, after: number): string {
  return `${runPath(id)}/events${after > 0 ? `?after=${after}` : ''}`;
}

/** GET /api/v1/artifacts/{id}/download: the file of one artifact (a fixed version). */
export function artifactDownloadPath(id: string): string {
  return `/api/v1/artifacts/${encodeURIComponent(id)}/download`;
}

/** How often a list showing `pages` is asked again: only while one of its runs is active. */
export function listRefreshInterval(pages: readonly RunPage[] | undefined): number | false {
  const active = pages?.some((page) => page.runs.some((run) => isActive(run.status)));
  return active ? kActiveRefreshMs : false;
}

/**
 * GET /api/v1/runs: newest first, one infinite query per set of filters (`fetchNextPage()`
 * loads the page `before` the last one's `next_cursor`). While a loaded run is queued or
 * running, the pages are asked again every few seconds, and only then.
 */
export function useRuns(filters: RunFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.runList(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const query: RunsQuery = { ...filters, limit: kRunsPageSize };
      if (pageParam) query.before = pageParam;
      return call(api.GET('/api/v1/runs', { params: { query }, signal }));
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => listRefreshInterval(query.state.data?.pages),
  });
}

/** GET /api/v1/runs/{id}: the run with its attempts' ids. Live changes come from its events. */
export function useRun(id: string) {
  return useQuery({
    queryKey: queryKeys.run(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/runs/{id}', { params: { path: { id } }, signal })),
  });
}

/** GET /api/v1/runs/{id}/attempts: every attempt of the run's retry chain, first first. */
export function useRunAttempts(id: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: queryKeys.runAttempts(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/runs/{id}/attempts', { params: { path: { id } }, signal })),
    select: (list) => list.attempts,
  });
}

/** GET /api/v1/runs/{id}/artifacts: the files the run produced, oldest first. */
export function useRunArtifacts(id: string) {
  return useQuery({
    queryKey: queryKeys.runArtifacts(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/runs/{id}/artifacts', { params: { path: { id } }, signal })),
    select: (list) => list.artifacts,
  });
}

/** Merges a run the server reported (an event, a mutation's answer) into the cached detail. */
export function mergeRun(old: RunDetail | undefined, run: Run): RunDetail | undefined {
  return old ? { ...old, ...run } : old;
}

/**
 * POST /api/v1/runs/{id}/cancel: a queued run ends at once, a running one is asked to stop
 * (`cancel_requested`). The answer updates the cached run; lists are refreshed.
 */
export function useCancelRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/runs/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (run) => {
      queryClient.setQueryData<RunDetail>(queryKeys.run(run.id), (old) => mergeRun(old, run));
      return queryClient.invalidateQueries({ queryKey: queryKeys.runs });
    },
  });
}

/** POST /api/v1/runs/{id}/rerun: queues a new run of a finished run's job; returns it. */
export function useRerunRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/runs/{id}/rerun', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs }),
  });
}

/**
 * GET /api/v1/jobs for the runs filter's job picker: the first page of jobs by name (up to
 * the API's largest page), as {id, name}.
 */
export function useJobChoices() {
  return useQuery({
    queryKey: queryKeys.runJobChoices,
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/jobs', { params: { query: { limit: kJobChoicesLimit } }, signal })),
    select: (page) => page.jobs.map((job) => ({ id: job.id, name: job.name })),
    staleTime: 60_000,
  });
}
