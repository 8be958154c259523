// Connections: one hook per operation of /api/v1/connection-kinds and /api/v1/connections.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';

export type Connection = Schemas['Connection'];
export type ConnectionKind = Schemas['ConnectionKind'];
export type ConnectionKindInfo = Schemas['ConnectionKindInfo'];
export type ConnectionKindField = Schemas['ConnectionKindField'];
export type ConnectionTestResult = Schemas['ConnectionTestResult'];
export type CreateConnectionRequest = Schemas['CreateConnectionRequest'];
export type UpdateConnectionRequest = Schemas['UpdateConnectionRequest'];
export type TestConnectionDraftRequest = Schemas['TestConnectionDraftRequest'];

/**
 * GET /api/v1/connection-kinds: every kind with its fields, the source of the connection
 * form. Fixed while the server runs, so it is fetched once.
 */
export function useConnectionKinds() {
  return useQuery({
    queryKey: queryKeys.connectionKinds,
    queryFn: ({ signal }) => call(api.GET('/api/v1/connection-kinds', { signal })),
    select: (list) => list.kinds,
    staleTime: Infinity,
  });
}

/** GET /api/v1/connections: every connection by name; secrets only as set / not set. */
export function useConnections() {
  return useQuery({
    queryKey: queryKeys.connections,
    queryFn: ({ signal }) => call(api.GET('/api/v1/connections', { signal })),
    select: (list) => list.connections,
  });
}

/** POST /api/v1/connections. */
export function useCreateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectionRequest) =>
      call(api.POST('/api/v1/connections', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.connections }),
  });
}

/** PUT /api/v1/connections/{id}: only the members sent change; secrets left out are kept. */
export function useUpdateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateConnectionRequest }) =>
      call(api.PUT('/api/v1/connections/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.connections }),
  });
}

/** DELETE /api/v1/connections/{id}: refused (409) while a job names the connection. */
export function useDeleteConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/v1/connections/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.connections }),
  });
}

/**
 * POST /api/v1/connections/{id}/test: tries the stored connection. A connection that cannot
 * connect is a result with `ok` false, not an error.
 */
export function useTestConnection() {
  return useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/connections/{id}/test', { params: { path: { id } } })),
  });
}

/**
 * POST /api/v1/connections/test: tries a form's draft before it is saved. With `base_id` the
 * draft is an update of that connection, whose stored secrets fill in those left out.
 */
export function useTestConnectionDraft() {
  return useMutation({
    mutationFn: (body: TestConnectionDraftRequest) =>
      call(api.POST('/api/v1/connections/test', { body })),
  });
}
