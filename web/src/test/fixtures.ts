// Sample API bodies for tests, shaped by the generated schema types.
import type { Me } from '../api/auth';
import type { ApiKey } from '../api/apiKeys';
import type { Role, RoleInfo } from '../api/roles';
import type { User } from '../api/users';

const kAt = '2025-01-15T10:00:00.000Z';

export const kPermissionsByRole: Record<Role, string[]> = {
  viewer: ['authenticated', 'account.self', 'jobs.read', 'runs.read', 'datasets.read'],
  operator: [
    'authenticated',
    'account.self',
    'jobs.read',
    'runs.read',
    'datasets.read',
    'runs.trigger',
    'connections.read',
  ],
  approver: [
    'authenticated',
    'account.self',
    'jobs.read',
    'runs.read',
    'datasets.read',
    'runs.trigger',
    'connections.read',
    'workflows.approve',
  ],
  editor: [
    'authenticated',
    'account.self',
    'jobs.read',
    'runs.read',
    'datasets.read',
    'runs.trigger',
    'connections.read',
    'jobs.write',
    'connections.write',
  ],
  admin: [
    'authenticated',
    'account.self',
    'jobs.read',
    'runs.read',
    'datasets.read',
    'runs.trigger',
    'connections.read',
    'workflows.approve',
    'jobs.write',
    'connections.write',
    'users.admin',
    'audit.read',
    'settings.admin',
  ],
};

export const kRoleList: RoleInfo[] = (Object.keys(kPermissionsByRole) as Role[]).map((name) => ({
  name,
  description: `The ${name} role.`,
  permissions: kPermissionsByRole[name],
}));

export function user(overrides: Partial<User> = {}): User {
  const username = overrides.username ?? 'admin';
  return {
    id: `u-${username}`,
    username,
    display_name: '',
    role: 'admin',
    active: true,
    created_at: kAt,
    updated_at: kAt,
    password_changed_at: kAt,
    last_login_at: null,
    ...overrides,
  };
}

export function me(role: Role = 'admin', overrides: Partial<User> = {}): Me {
  const u = user({ username: role === 'admin' ? 'admin' : `a-${role}`, role, ...overrides });
  return {
    user: u,
    permissions: kPermissionsByRole[role],
    via: 'session',
    csrf_token: `csrf-${u.username}`,
    session_expires_at: '2025-01-16T10:00:00.000Z',
  };
}

export function apiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 'k1',
    name: 'BI export',
    prefix: 'btk_ab12cd34',
    user_id: 'u-admin',
    username: 'admin',
    role: 'viewer',
    datasets: null,
    created_at: kAt,
    expires_at: null,
    revoked_at: null,
    last_used_at: null,
    last_used_address: null,
    ...overrides,
  };
}
