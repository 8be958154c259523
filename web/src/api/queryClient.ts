import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { forgetSession, isUnauthenticated } from './auth';
import { ApiError } from './client';
import { isMeKey, queryKeys } from './queryKeys';

/** What a mutation's 401 means: the session is gone (default), or something else. */
export type On401 = 'sign-out' | 'recheck' | 'ignore';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /**
       * `sign-out` (default): the session is gone, show the sign-in page. `recheck`: the 401
       * may be about the request itself (a wrong current password); ask GET /auth/me.
       * `ignore`: the 401 is the answer (sign-in with wrong credentials).
       */
      on401?: On401;
    };
  }
}

const kMaxRetries = 2;

export interface QueryClientOptions {
  /** Retries of a failed query (server errors and network failures only); default 2. */
  retries?: number;
}

/**
 * The app's QueryClient. A request the server refused (4xx) is not retried: the same
 * request would be refused again. Server errors and network failures are retried twice.
 * A 401 from any query, or from a mutation that does not say otherwise, means the session
 * is gone: the app forgets it and shows the sign-in page, which returns to the page the user
 * was on after signing in again.
 */
export function createQueryClient(options: QueryClientOptions = {}): QueryClient {
  const maxRetries = options.retries ?? kMaxRetries;
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthenticated(error) && !isMeKey(query.queryKey)) forgetSession(queryClient);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _result, mutation) => {
        if (!isUnauthenticated(error)) return;
        const on401 = mutation.meta?.on401 ?? 'sign-out';
        if (on401 === 'sign-out') forgetSession(queryClient);
        if (on401 === 'recheck') void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < maxRetries;
        },
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
