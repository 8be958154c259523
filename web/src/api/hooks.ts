// One TanStack Query hook per API action. Components use these, never `api` directly, so
// query keys and caching rules live in one place. The system hooks are here; the identity
// ones are in auth.ts, roles.ts, users.ts, apiKeys.ts and audit.ts.
import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import { queryKeys } from './queryKeys';

export { queryKeys };

/** How often the readiness indicator rechecks the server. */
const kReadinessPollMs = 15_000;

/** GET /api/v1/version: the server's name and version. Does not change while it runs. */
export function useVersion() {
  return useQuery({
    queryKey: queryKeys.version,
    queryFn: ({ signal }) => call(api.GET('/api/v1/version', { signal })),
    staleTime: Infinity,
  });
}

/** GET /readyz: whether the store is reachable and migrated; a 503 is an ApiError. */
export function useReadiness() {
  return useQuery({
    queryKey: queryKeys.readiness,
    queryFn: ({ signal }) => call(api.GET('/readyz', { signal })),
    refetchInterval: kReadinessPollMs,
    retry: false,
  });
}
