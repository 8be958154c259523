import { useQuery } from '@tanstack/react-query';
import { type Schemas, api, call } from './client';
import { queryKeys } from './queryKeys';

export type Role = Schemas['Role'];
export type RoleInfo = Schemas['RoleInfo'];

/** Every role, lowest first, as the contract lists them (the server's /roles has the same order). */
export const kRoles: readonly Role[] = ['viewer', 'operator', 'approver', 'editor', 'admin'];

/** GET /api/v1/roles: the roles and their permissions, lowest first. Fixed while the server runs. */
export function useRoles() {
  return useQuery({
    queryKey: queryKeys.roles,
    queryFn: ({ signal }) => call(api.GET('/api/v1/roles', { signal })),
    select: (list) => list.roles,
    staleTime: Infinity,
  });
}
