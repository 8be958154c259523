// The audit log (GET /api/v1/audit): newest first, filtered, paged with `next_cursor`.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { type AuditFilters, queryKeys } from './queryKeys';
import type { operations } from './schema.gen';

export type AuditEntry = Schemas['AuditEntry'];
export type { AuditFilters };
type AuditQuery = NonNullable<operations['listAudit']['parameters']['query']>;

/** Entries per page. */
export const kAuditPageSize = 50;

/**
 * One infinite query per set of filters: `fetchNextPage()` loads the page after the last one
 * (the "load more" button); `data.pages` holds the pages in order. Empty filters are not sent.
 */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.auditLog(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const query: AuditQuery = { limit: kAuditPageSize };
      if (filters.actor) query.actor = filters.actor;
      if (filters.action) query.action = filters.action;
      if (filters.outcome) query.outcome = filters.outcome;
      if (filters.from) query.from = filters.from;
      if (filters.to) query.to = filters.to;
      if (pageParam) query.cursor = pageParam;
      return call(api.GET('/api/v1/audit', { params: { query }, signal }));
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
