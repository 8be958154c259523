import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { kCsrfHeader } from '../api/client';
import { me, user } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';

const unauthenticated = () => errorResponse(401, 'unauthenticated', 'sign in first');
const usersList = () =>
  jsonResponse(200, { users: [user(), user({ username: 'bob', role: 'viewer' })] });

function location() {
  return screen.getByTestId('location').textContent;
}

async function signIn(username: string, password: string) {
  fireEvent.change(await screen.findByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('session', () => {
  it('sends a visitor without a session to sign in, then to the page they asked for', async () => {
    let loginBody: unknown;
    const fetchMock = stubApi({
      'GET /api/v1/auth/me': unauthenticated,
      'POST /api/v1/auth/login': async (request) => {
        loginBody = await request.json();
        return jsonResponse(200, me('admin'));
      },
      'GET /api/v1/users': usersList,
      'GET /api/v1/roles': () => jsonResponse(200, { roles: [] }),
    });
    renderApp('/admin/users?sort=name');

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(location()).toBe('/login');

    await signIn('admin', 'correct-horse-battery-staple');
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeTruthy();
    expect(location()).toBe('/admin/users?sort=name');
    await screen.findByTestId('user-bob');
    expect(loginBody).toEqual({ username: 'admin', password: 'correct-horse-battery-staple' });
    // The session from sign-in is reused: GET /auth/me is not asked again.
    expect(sentRequests(fetchMock).filter((r) => r === 'GET /api/v1/auth/me')).toHaveLength(1);
  });

  it('goes to sign-in when any query gets a 401, and comes back after signing in', async () => {
    let sessionValid = true;
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/login': () => {
        sessionValid = true;
        return jsonResponse(200, me('admin'));
      },
      'GET /api/v1/users': () => (sessionValid ? usersList() : unauthenticated()),
    });
    sessionValid = false;
    renderApp('/admin/users');

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(location()).toBe('/login');

    await signIn('admin', 'correct-horse-battery-staple');
    await screen.findByTestId('user-bob');
    expect(location()).toBe('/admin/users');
  });

  it('never returns to another site after signing in', async () => {
    stubApi({
      'GET /api/v1/auth/me': unauthenticated,
      'POST /api/v1/auth/login': () => jsonResponse(200, me('admin')),
      '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
      '/readyz': () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 1 }),
    });
    renderApp('//evil.example/path');
    await signIn('admin', 'correct-horse-battery-staple');
    await screen.findByText('0.1.0');
    expect(location()).toBe('/');
  });

  it('signs out with the CSRF token; signing in again starts at Home', async () => {
    let logoutToken: string | null = null;
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/logout': (request) => {
        logoutToken = request.headers.get(kCsrfHeader);
        return new Response(null, { status: 204 });
      },
      'POST /api/v1/auth/login': () => jsonResponse(200, me('viewer')),
      'GET /api/v1/audit': () => jsonResponse(200, { entries: [], next_cursor: null }),
      '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
      '/readyz': () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 1 }),
    });
    renderApp('/admin/audit');

    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(location()).toBe('/login');
    expect(logoutToken).toBe('csrf-admin');

    // Another person signing in is not taken to the previous user's page.
    await signIn('a-viewer', 'correct-horse-battery-staple');
    await screen.findByText('0.1.0');
    expect(location()).toBe('/');
  });
});

describe('navigation by permission', () => {
  const system = {
    '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
    '/readyz': () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 1 }),
  };

  it('shows an admin every page, and who is signed in', async () => {
    stubApi({ 'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')), ...system });
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav)
      .getAllByRole('link')
      .map((a) => a.textContent);
    expect(links).toEqual([
      'Home',
      'Jobs',
      'Runs',
      'Datasets',
      'Connections',
      'API keys',
      'Users',
      'Audit log',
    ]);
    expect(screen.getByTestId('current-user-name').textContent).toBe('admin');
    expect(screen.getByTestId('current-user-role').textContent).toBe('Admin');
    expect(screen.getByRole('link', { name: 'Signed in as admin Admin' })).toBeTruthy();
  });

  it('hides Connections, Users and Audit log from a viewer', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer', { display_name: 'Vera' })),
      ...system,
    });
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav)
      .getAllByRole('link')
      .map((a) => a.textContent);
    expect(links).toEqual(['Home', 'Jobs', 'Runs', 'Datasets', 'API keys']);
    expect(screen.getByTestId('current-user-name').textContent).toBe('Vera');
    expect(screen.getByTestId('current-user-role').textContent).toBe('Viewer');
  });

  it('still lets the server decide: a viewer who opens Users sees its refusal', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')),
      'GET /api/v1/users': () => errorResponse(403, 'permission_denied', 'needs users.admin'),
    });
    renderApp('/admin/users');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('You do not have permission for this.');
    await waitFor(() => expect(location()).toBe('/admin/users'));
  });
});
