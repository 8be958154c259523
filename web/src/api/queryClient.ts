import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

const kMaxRetries = 2;

/**
 * The app's QueryClient. A request the server refused (4xx) is not retried: the same
 * request would be refused again. Server errors and network failures are retried twice.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failureCount < kMaxRetries;
        },
        refetchOnWindowFocus: false,
      },
    },
  });
}
