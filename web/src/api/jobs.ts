// Jobs: one hook per operation of /api/v1/jobs*, /api/v1/job-types, and the one read of
// /api/v1/runs the jobs list needs (each job's latest run).
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';
import type { operations } from './schema.gen';

export type Job = Schemas['Job'];
/** A job as GET /api/v1/jobs lists it: with its newest run, schedule count and next fire. */
export type JobListItem = Schemas['JobListItem'];
export type JobType = Schemas['JobType'];
export type JobVersion = Schemas['JobVersion'];
export type JobDefinition = Schemas['JobDefinition'];
export type CreateJobRequest = Schemas['CreateJobRequest'];
export type UpdateJobRequest = Schemas['UpdateJobRequest'];
export type Run = Schemas['Run'];
export type RunStatus = Schemas['RunStatus'];
export type JobFilters = Parameters<typeof queryKeys.jobList>[0];
type JobListQuery = NonNullable<operations['listJobs']['parameters']['query']>;

/** Jobs per page of the list: each row also asks for its last run and its schedules. */
export const kJobsPageSize = 25;

/** GET /api/v1/job-types: the job types this server runs. Fixed while it runs. */
export function useJobTypes() {
  return useQuery({
    queryKey: queryKeys.jobTypes,
    queryFn: ({ signal }) => call(api.GET('/api/v1/job-types', { signal })),
    select: (list) => list.job_types,
    staleTime: Infinity,
  });
}

/**
 * GET /api/v1/jobs: one infinite query per set of filters, by name; `fetchNextPage()` loads
 * the page after the last (`after` = the previous page's `next_cursor`).
 */
export function useJobs(filters: JobFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.jobList(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const query: JobListQuery = { limit: kJobsPageSize };
      if (filters.type) query.type = filters.type;
      if (filters.tag) query.tag = filters.tag;
      if (filters.enabled !== undefined) query.enabled = filters.enabled;
      if (pageParam) query.after = pageParam;
      return call(api.GET('/api/v1/jobs', { params: { query }, signal }));
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** GET /api/v1/jobs/{id}: the job and its current definition. */
export function useJob(id: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.job(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/jobs/{id}', { params: { path: { id } }, signal })),
    enabled,
  });
}

/** GET /api/v1/jobs/{id}/versions: every version of the definition, newest first. */
export function useJobVersions(id: string) {
  return useQuery({
    queryKey: queryKeys.jobVersions(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/jobs/{id}/versions', { params: { path: { id } }, signal })),
    select: (list) => list.versions,
  });
}

/** POST /api/v1/jobs: creates version 1. */
export function useCreateJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateJobRequest) => call(api.POST('/api/v1/jobs', { body })),
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      return queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
    },
  });
}

/** PUT /api/v1/jobs/{id}: the whole definition; with `version`, only on top of that version. */
export function useUpdateJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateJobRequest }) =>
      call(api.PUT('/api/v1/jobs/{id}', { params: { path: { id } }, body })),
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      return queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
    },
  });
}

/** DELETE /api/v1/jobs/{id}: with its versions and schedules; its runs stay. */
export function useDeleteJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/jobs/{id}', { params: { path: { id } } })),
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.job(id) });
      return queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
    },
  });
}

type JobPages = InfiniteData<Schemas['JobPage'], string | null>;

function useJobSwitch(path: '/api/v1/jobs/{id}/enable' | '/api/v1/jobs/{id}/disable') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST(path, { params: { path: { id } } })),
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      // The lists show the new state at once (their next fire follows when they are fetched
      // again, just below), keeping each item's run and schedule summary.
      queryClient.setQueriesData<JobPages>({ queryKey: queryKeys.jobLists }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                jobs: page.jobs.map((one) => (one.id === job.id ? { ...one, ...job } : one)),
              })),
            }
          : data,
      );
      return queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
    },
  });
}

/** POST /api/v1/jobs/{id}/enable: its schedules fire again (no new version). */
export function useEnableJob() {
  return useJobSwitch('/api/v1/jobs/{id}/enable');
}

/** POST /api/v1/jobs/{id}/disable: its schedules stop firing; people may still run it. */
export function useDisableJob() {
  return useJobSwitch('/api/v1/jobs/{id}/disable');
}

/**
 * POST /api/v1/jobs/{id}/runs: queues a run of the current version with `parameters`
 * (checked against the job's declarations; a 422 names "parameters.<name>").
 */
export function useRunJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, parameters }: { id: string; parameters: Record<string, unknown> }) =>
      call(api.POST('/api/v1/jobs/{id}/runs', { params: { path: { id } }, body: { parameters } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.runs }),
  });
}

