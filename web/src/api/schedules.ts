// Schedules: one hook per operation of /api/v1/jobs/{id}/schedules, /api/v1/schedules/{id}
// and /api/v1/schedules/preview.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';

export type Schedule = Schemas['Schedule'];
export type ScheduleBody = Schemas['ScheduleBody'];
export type ScheduleDescription = Schemas['ScheduleDescription'];

/** Next fire times the editor shows per schedule and in the preview. */
export const kNextFireCount = 5;

/** GET /api/v1/jobs/{id}/schedules?count=…: oldest first, each with `count` next fire times. */
export function useJobSchedules(jobId: string, count: number = kNextFireCount, enabled = true) {
  return useQuery({
    queryKey: queryKeys.jobSchedules(jobId, count),
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/jobs/{id}/schedules', {
          params: { path: { id: jobId }, query: { count } },
          signal,
        }),
      ),
    select: (list) => list.schedules,
    enabled,
  });
}

/** POST /api/v1/jobs/{id}/schedules: takes effect at once. */
export function useCreateSchedule(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ScheduleBody) =>
      call(api.POST('/api/v1/jobs/{id}/schedules', { params: { path: { id: jobId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.jobSchedulesAll(jobId) }),
  });
}

/** PUT /api/v1/schedules/{id}: replaces the schedule (also how it is enabled or disabled). */
export function useUpdateSchedule(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ScheduleBody }) =>
      call(api.PUT('/api/v1/schedules/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.jobSchedulesAll(jobId) }),
  });
}

/** DELETE /api/v1/schedules/{id}: with its fire history; the runs it queued stay. */
export function useDeleteSchedule(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/schedules/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.jobSchedulesAll(jobId) }),
  });
}

/**
 * POST /api/v1/schedules/preview (a read: nothing is saved): the canonical spec, its meaning
 * in English and Portuguese and its next `count` fire times. Null `body` asks nothing. The
 * last answer stays shown while the next one loads, so the list does not flicker as one types.
 */
export function useSchedulePreview(body: ScheduleBody | null, count: number = kNextFireCount) {
  return useQuery({
    queryKey: queryKeys.schedulePreview(body, count),
    queryFn: ({ signal }) =>
      call(
        api.POST('/api/v1/schedules/preview', {
          params: { query: { count } },
          body: body as ScheduleBody,
          signal,
        }),
      ),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
