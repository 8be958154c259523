// API keys: one hook per operation of /api/v1/api-keys.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { type ApiKeyScope, queryKeys } from './queryKeys';

export type ApiKey = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type CreateApiKeyRequest = Schemas['CreateApiKeyRequest'];

/**
 * GET /api/v1/api-keys: the caller's keys, newest first; with `all` (admin) everyone's, with
 * `userId` (admin) one user's. The secret key itself is never listed.
 */
export function useApiKeys(scope: ApiKeyScope = {}) {
  return useQuery({
    queryKey: queryKeys.apiKeyList(scope),
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/api-keys', {
          params: {
            query: {
              ...(scope.all ? { all: true } : {}),
              ...(scope.userId ? { user_id: scope.userId } : {}),
            },
          },
          signal,
        }),
      ),
    select: (list) => list.api_keys,
  });
}

/**
 * POST /api/v1/api-keys. The response is the only time the key is ever seen; it is not kept
 * in the mutation cache once no component shows it (gcTime 0).
 */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyRequest) => call(api.POST('/api/v1/api-keys', { body })),
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}

/** DELETE /api/v1/api-keys/{id}: the key stops working at once. */
export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
}
