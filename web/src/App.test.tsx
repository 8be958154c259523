import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { me } from './test/fixtures';
import { errorResponse, jsonResponse, renderApp, sentRequests, stubApi } from './test/helpers';

const ready = () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 3 });
const version = () => jsonResponse(200, { name: 'batuta', version: '0.1.0' });
const signedIn = () => jsonResponse(200, me('admin'));

describe('App', () => {
  it('shows the product name and the Home link in the header', async () => {
    stubApi({ '/api/v1/auth/me': signedIn, '/api/v1/version': version, '/readyz': ready });
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const home = within(nav).getByRole('link', { name: 'Home' });
    expect(home.getAttribute('href')).toBe('/');
    expect(home.classList.contains('active')).toBe(true);
    expect(screen.getByRole('link', { name: 'batuta' })).toBeTruthy();
    await screen.findByText('0.1.0');
  });

  it('Home shows the server version and readiness from the API', async () => {
    const fetchMock = stubApi({
      '/api/v1/auth/me': signedIn,
      '/api/v1/version': version,
      '/readyz': ready,
    });
    renderApp('/');

    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('batuta');
    expect(screen.getByTestId('server-version').dataset.state).toBe('loading');

    await screen.findByText('0.1.0');
    expect(screen.getByTestId('server-version').textContent).toBe('0.1.0');
    const readiness = await screen.findByText('ready');
    expect(readiness).toBe(screen.getByTestId('server-readiness'));
    expect(readiness.dataset.state).toBe('ok');
    expect(screen.getByText('sqlite, schema 3')).toBeTruthy();

    expect(sentRequests(fetchMock).sort()).toEqual([
      'GET /api/v1/auth/me',
      `GET /api/v1/overview?days=14&tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}`,
      'GET /api/v1/version',
      'GET /readyz',
    ]);
  });

  it('Home shows why the server is not ready', async () => {
    stubApi({
      '/api/v1/auth/me': signedIn,
      '/api/v1/version': version,
      '/readyz': () => errorResponse(503, 'unavailable', 'migrations pending', { check: 'schema' }),
    });
    renderApp('/');

    const readiness = await screen.findByText('not ready');
    expect(readiness.dataset.state).toBe('error');
    expect(screen.getByText('migrations pending')).toBeTruthy();
  });

  it('shows the not-found page for an unknown client route', async () => {
    const fetchMock = stubApi({ '/api/v1/auth/me': signedIn });
    renderApp('/some/client/route');

    const page = await screen.findByTestId('not-found');
    expect(within(page).getByRole('heading').textContent).toBe('Page not found');
    expect(within(page).getByText('/some/client/route')).toBeTruthy();
    expect(within(page).getByRole('link', { name: 'Back to Home' }).getAttribute('href')).toBe('/');
    expect(sentRequests(fetchMock)).toEqual(['GET /api/v1/auth/me']);
  });

  it('says so when the session cannot be checked, and checks again on request', async () => {
    let calls = 0;
    stubApi({
      '/api/v1/auth/me': () =>
        ++calls === 1 ? errorResponse(500, 'internal', 'store down') : signedIn(),
      '/api/v1/version': version,
      '/readyz': ready,
    });
    renderApp('/');

    expect((await screen.findByRole('alert')).textContent).toBe('store down');
    screen.getByRole('button', { name: 'Try again' }).click();
    await screen.findByText('0.1.0');
  });
});
