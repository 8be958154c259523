// Every TanStack Query key in one place, so invalidation after a change is easy to get right:
// invalidating a prefix (e.g. ['users']) refreshes every query under it.
import type { Schemas } from './client';

export type AuditFilters = {
  actor?: string;
  action?: string;
  outcome?: Schemas['AuditEntry']['outcome'];
  from?: string;
  to?: string;
};

export type ApiKeyScope = { all?: boolean; userId?: string };

/** One page of a dataset's rows: `limit` rows from `offset`. */
export type DatasetRowsWindow = { offset: number; limit: number };

export const queryKeys = {
  version: ['version'] as const,
  readiness: ['readiness'] as const,
  /** The caller (GET /auth/me); null when not signed in. */
  me: ['auth', 'me'] as const,
  roles: ['roles'] as const,
  users: ['users'] as const,
  user: (id: string) => ['users', id] as const,
  apiKeys: ['api-keys'] as const,
  apiKeyList: (scope: ApiKeyScope) => ['api-keys', scope] as const,
  audit: ['audit'] as const,
  auditLog: (filters: AuditFilters) => ['audit', filters] as const,
  /** The kinds never change while the server runs. */
  connectionKinds: ['connection-kinds'] as const,
  connections: ['connections'] as const,
  datasets: ['datasets'] as const,
  dataset: (name: string) => ['datasets', name] as const,
  datasetVersions: (name: string) => ['datasets', name, 'versions'] as const,
  datasetRows: (name: string, window: DatasetRowsWindow) =>
    ['datasets', name, 'rows', window] as const,
  /** Everything about jobs: invalidate after any change to one. */
  jobs: ['jobs'] as const,
  /** Every filtered list of jobs. */
  jobLists: ['jobs', 'list'] as const,
  /** One filtered list of jobs (GET /jobs; an infinite query following `next_cursor`). */
  jobList: (filters: { type?: string; tag?: string; enabled?: boolean }) =>
    ['jobs', 'list', filters] as const,
  job: (id: string) => ['jobs', 'job', id] as const,
  jobVersions: (id: string) => ['jobs', 'job', id, 'versions'] as const,
  /** A job's schedules with `count` next fire times each. */
  jobSchedules: (id: string, count: number) => ['jobs', 'job', id, 'schedules', count] as const,
  jobSchedulesAll: (id: string) => ['jobs', 'job', id, 'schedules'] as const,
  /** Fixed while the server runs. */
  jobTypes: ['job-types'] as const,
  /** Under the runs prefix, so whatever refreshes runs refreshes the jobs list's last run. */
  schedulePreview: (body: unknown, count: number) => ['schedule-preview', body, count] as const,
  // -- jobs, job types, schedules keys --
  runs: ['runs'] as const,
  /** One filtered list of runs (an infinite query: its pages follow `next_cursor`). */
  runList: (filters: {
    job_id?: string;
    status?: string;
    trigger?: string;
    from?: string;
    to?: string;
  }) => ['runs', 'list', filters] as const,
  run: (id: string) => ['runs', 'detail', id] as const,
  runAttempts: (id: string) => ['runs', 'detail', id, 'attempts'] as const,
  runArtifacts: (id: string) => ['runs', 'detail', id, 'artifacts'] as const,
  /** The jobs the runs filter offers; under ['jobs'] so a change to jobs refreshes it. */
  runJobChoices: ['jobs', 'run-filter-choices'] as const,
  // -- runs keys --
  /** GET /overview for one window and zone; refetched on an interval while shown. */
  overview: (query: { days: number; tz: string }) => ['overview', query] as const,
  // -- overview keys --
};

export function isMeKey(key: readonly unknown[]): boolean {
  return key.length === queryKeys.me.length && queryKeys.me.every((part, i) => key[i] === part);
}
