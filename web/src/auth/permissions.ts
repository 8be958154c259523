// Permission names as the server reports them in Me.permissions. The browser uses them only to
// hide what the user cannot use; the server checks every request itself.
import type { Me } from '../api/auth';

export const kPermission = {
  accountSelf: 'account.self',
  usersAdmin: 'users.admin',
  auditRead: 'audit.read',
  connectionsRead: 'connections.read',
  connectionsWrite: 'connections.write',
  datasetsRead: 'datasets.read',
  jobsRead: 'jobs.read',
  jobsWrite: 'jobs.write',
  runsRead: 'runs.read',
  runsTrigger: 'runs.trigger',
} as const;

/** True when `me` holds `permission`; always true for no permission. */
export function hasPermission(me: Me | null | undefined, permission: string | undefined): boolean {
  if (permission === undefined) return true;
  return me?.permissions.includes(permission) ?? false;
}
