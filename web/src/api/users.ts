// Users (admin): one hook per operation of /api/v1/users.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';

export type User = Schemas['User'];
export type CreateUserRequest = Schemas['CreateUserRequest'];
export type UpdateUserRequest = Schemas['UpdateUserRequest'];

/** GET /api/v1/users: every user, by username. */
export function useUsers() {
  return useQuery({
    queryKey: queryKeys.users,
    queryFn: ({ signal }) => call(api.GET('/api/v1/users', { signal })),
    select: (list) => list.users,
  });
}

/** GET /api/v1/users/{id}. */
export function useUser(id: string) {
  return useQuery({
    queryKey: queryKeys.user(id),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/users/{id}', { params: { path: { id } }, signal })),
  });
}

/** POST /api/v1/users. 409: the username is taken; 422: `details.field` is invalid. */
export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => call(api.POST('/api/v1/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.users }),
  });
}

/**
 * PATCH /api/v1/users/{id}: display name, role or active flag. 409: the change would leave
 * no active admin. Deactivating a user also stops their API keys, so those are refreshed.
 */
export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UpdateUserRequest }) =>
      call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]);
    },
  });
}

/** POST /api/v1/users/{id}/password: sets the password and ends that user's sessions. */
export function useResetUserPassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, newPassword }: { id: string; newPassword: string }) =>
      call(
        api.POST('/api/v1/users/{id}/password', {
          params: { path: { id } },
          body: { new_password: newPassword },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.users }),
  });
}
