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
};

export function isMeKey(key: readonly unknown[]): boolean {
  return key.length === queryKeys.me.length && queryKeys.me.every((part, i) => key[i] === part);
}
