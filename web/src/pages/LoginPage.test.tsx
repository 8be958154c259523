import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, stubApi } from '../test/helpers';
import { returnPath } from './LoginPage';

const noSession = () => errorResponse(401, 'unauthenticated', 'sign in first');

async function submit(username = 'admin', password = 'not-the-password') {
  fireEvent.change(await screen.findByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  it('has labelled fields for username and password', async () => {
    stubApi({ 'GET /api/v1/auth/me': noSession });
    renderApp('/login');
    const username = (await screen.findByLabelText('Username')) as HTMLInputElement;
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    expect(username.autocomplete).toBe('username');
    expect(password.type).toBe('password');
    expect(password.autocomplete).toBe('current-password');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says the credentials are wrong on a 401, and clears the password', async () => {
    stubApi({
      'GET /api/v1/auth/me': noSession,
      'POST /api/v1/auth/login': () =>
        errorResponse(401, 'unauthenticated', 'wrong username or password'),
    });
    renderApp('/login');
    await submit();
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('admin');
    expect(screen.getByTestId('location').textContent).toBe('/login');
  });

  it('says how many seconds to wait when throttled (429), and waits before allowing another try', async () => {
    stubApi({
      'GET /api/v1/auth/me': noSession,
      'POST /api/v1/auth/login': () =>
        errorResponse(429, 'rate_limited', 'too many attempts', {}, { 'Retry-After': '30' }),
    });
    renderApp('/login');
    await submit();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Too many failed attempts. Try again in 30 seconds.',
    );
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('retries while the server is busy (503), then says so', async () => {
    let attempts = 0;
    stubApi({
      'GET /api/v1/auth/me': noSession,
      'POST /api/v1/auth/login': () => {
        attempts += 1;
        return errorResponse(503, 'unavailable', 'busy', {}, { 'Retry-After': '0' });
      },
    });
    renderApp('/login');
    await submit();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The server is busy signing other people in. Try again in a moment.',
    );
    expect(attempts).toBe(3);
  });

  it('disables the button while signing in', async () => {
    let answer: (response: Response) => void = () => {};
    stubApi({
      'GET /api/v1/auth/me': noSession,
      'POST /api/v1/auth/login': () => new Promise<Response>((resolve) => (answer = resolve)),
      '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
      '/readyz': () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 1 }),
    });
    renderApp('/login');
    await submit('admin', 'correct-horse-battery-staple');
    const button = (await screen.findByRole('button', {
      name: 'Signing in…',
    })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    answer(jsonResponse(200, me('admin')));
    await screen.findByText('0.1.0');
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'));
  });

  it('sends someone already signed in on to Home', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
      '/readyz': () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 1 }),
    });
    renderApp('/login');
    await screen.findByText('0.1.0');
    expect(screen.getByTestId('location').textContent).toBe('/');
  });
});

describe('returnPath', () => {
  it('keeps paths of this app and refuses anything else', () => {
    expect(returnPath({ from: '/admin/users?x=1#top' })).toBe('/admin/users?x=1#top');
    expect(returnPath({ from: '//evil.example/' })).toBe('/');
    expect(returnPath({ from: 'https://evil.example/' })).toBe('/');
    expect(returnPath({ from: '/login' })).toBe('/');
    expect(returnPath(null)).toBe('/');
    expect(returnPath({ from: 42 })).toBe('/');
  });
});
