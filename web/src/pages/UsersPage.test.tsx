import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { User } from '../api/users';
import { kCsrfHeader } from '../api/client';
import { kRoleList, me, user } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, stubApi } from '../test/helpers';

const kLastAdmin =
  'This is the last active admin: it cannot be demoted or deactivated. Make another user an admin first.';

/** A small users API: list, create (409 on a taken name), and PATCH that protects the admin. */
function fakeUsersApi() {
  const users: User[] = [user({ username: 'admin', role: 'admin', display_name: 'The Admin' })];
  const created: { body: unknown; csrf: string | null }[] = [];
  stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
    'GET /api/v1/roles': () => jsonResponse(200, { roles: kRoleList }),
    'GET /api/v1/users': () => jsonResponse(200, { users }),
    'POST /api/v1/users': async (request) => {
      const body = (await request.json()) as {
        username: string;
        role: User['role'];
        display_name?: string;
      };
      created.push({ body, csrf: request.headers.get(kCsrfHeader) });
      if (users.some((u) => u.username === body.username)) {
        return errorResponse(409, 'conflict', 'username taken');
      }
      if (body.username.includes(' ')) {
        return errorResponse(422, 'validation_failed', 'no spaces in usernames', {
          field: 'username',
        });
      }
      const added = user({
        username: body.username,
        role: body.role,
        display_name: body.display_name ?? '',
      });
      users.push(added);
      return jsonResponse(201, added);
    },
    'PATCH /api/v1/users/u-admin': () =>
      errorResponse(409, 'conflict', 'the last active admin cannot be demoted or deactivated'),
  });
  return { users, created };
}

async function openCreateDialog() {
  fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
  return screen.getByRole('dialog', { name: 'New user' });
}

function fill(scope: HTMLElement, label: string, value: string) {
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });
}

describe('UsersPage', () => {
  it('lists users with their role and whether they are active', async () => {
    fakeUsersApi();
    renderApp('/admin/users');
    const row = await screen.findByTestId('user-admin');
    expect(within(row).getByRole('rowheader').textContent).toBe('admin (you)The Admin');
    expect(within(row).getByText('Admin')).toBeTruthy();
    expect(within(row).getByText('Active')).toBeTruthy();
    expect(within(row).getByText('Never')).toBeTruthy();
  });

  it('creates a user from the dialog, with the CSRF token', async () => {
    const api = fakeUsersApi();
    renderApp('/admin/users');
    const dialog = await openCreateDialog();
    fill(dialog, 'Username', 'bob');
    fill(dialog, 'Display name (optional)', 'Bob');
    fill(dialog, 'Role', 'operator');
    fill(dialog, 'Password', 'correct-horse-battery-staple');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create user' }));

    expect((await screen.findByRole('status')).textContent).toBe('User bob created.');
    expect(screen.queryByRole('dialog')).toBeNull();
    const row = await screen.findByTestId('user-bob');
    expect(within(row).getByText('Operator')).toBeTruthy();
    expect(api.created).toEqual([
      {
        body: {
          username: 'bob',
          display_name: 'Bob',
          role: 'operator',
          password: 'correct-horse-battery-staple',
        },
        csrf: 'csrf-admin',
      },
    ]);
  });

  it('shows a taken username and a field the server refused next to the field', async () => {
    fakeUsersApi();
    renderApp('/admin/users');
    const dialog = await openCreateDialog();
    fill(dialog, 'Username', 'admin');
    fill(dialog, 'Password', 'correct-horse-battery-staple');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await within(dialog).findByText('This username is taken.')).toBeTruthy();
    expect(within(dialog).getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');

    fill(dialog, 'Username', 'bad name');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await within(dialog).findByText('no spaces in usernames')).toBeTruthy();
  });

  it('explains the 409 when the last admin would be deactivated', async () => {
    fakeUsersApi();
    renderApp('/admin/users');
    fireEvent.click(await screen.findByRole('button', { name: 'Deactivate admin' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate admin?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(kLastAdmin);
  });

  it('explains the 409 when the last admin would be demoted', async () => {
    fakeUsersApi();
    renderApp('/admin/users');
    fireEvent.click(await screen.findByRole('button', { name: 'Edit admin' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit admin' });
    fill(dialog, 'Role', 'viewer');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(kLastAdmin);
  });

  it('resets a password after checking the two copies match', async () => {
    const sent: unknown[] = [];
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'GET /api/v1/users': () =>
        jsonResponse(200, { users: [user(), user({ username: 'bob', role: 'viewer' })] }),
      'POST /api/v1/users/u-bob/password': async (request) => {
        sent.push(await request.json());
        return new Response(null, { status: 204 });
      },
    });
    renderApp('/admin/users');
    fireEvent.click(await screen.findByRole('button', { name: 'Reset password bob' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of bob' });
    fill(dialog, 'New password', 'correct-horse-battery-staple');
    fill(dialog, 'Confirm new password', 'correct-horse-battery-stable');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    expect(within(dialog).getByText('The two passwords differ.')).toBeTruthy();
    expect(sent).toEqual([]);

    fill(dialog, 'Confirm new password', 'correct-horse-battery-staple');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status').textContent).toBe(
      'Password of bob set. Their sessions were ended.',
    );
    expect(sent).toEqual([{ new_password: 'correct-horse-battery-staple' }]);
  });
});
