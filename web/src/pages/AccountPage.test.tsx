import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getCsrfToken, kCsrfHeader } from '../api/client';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, stubApi } from '../test/helpers';

async function changePassword(current: string, next: string, confirm = next) {
  const form = await screen.findByRole('form', { name: 'Change password' });
  fireEvent.change(within(form).getByLabelText('Current password'), { target: { value: current } });
  fireEvent.change(within(form).getByLabelText('New password'), { target: { value: next } });
  fireEvent.change(within(form).getByLabelText('Confirm new password'), {
    target: { value: confirm },
  });
  fireEvent.click(within(form).getByRole('button', { name: 'Change password' }));
  return form;
}

describe('AccountPage', () => {
  it('shows who is signed in', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer', { display_name: 'Vera' })),
    });
    renderApp('/account');
    expect(await screen.findByRole('heading', { name: 'Your account', level: 1 })).toBeTruthy();
    expect(screen.getByText('a-viewer')).toBeTruthy();
    expect(screen.getByText('Vera', { selector: 'dd' })).toBeTruthy();
  });

  it('shows the field the server refused next to that field', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/password': () =>
        errorResponse(422, 'validation_failed', 'This password is too common.', {
          field: 'new_password',
        }),
    });
    renderApp('/account');
    const form = await changePassword('old-password-123', 'password1234');
    const error = await within(form).findByText('This password is too common.');
    const input = within(form).getByLabelText('New password');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(error.id);
  });

  it('checks the two new passwords match before asking the server', async () => {
    let asked = false;
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/password': () => {
        asked = true;
        return jsonResponse(200, me('admin'));
      },
    });
    renderApp('/account');
    const form = await changePassword('old-password-123', 'new-password-4567', 'new-password-4568');
    expect(within(form).getByText('The two new passwords differ.')).toBeTruthy();
    expect(asked).toBe(false);
  });

  it('says a wrong current password is wrong, without signing out', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/password': () => errorResponse(401, 'unauthenticated', 'wrong password'),
    });
    renderApp('/account');
    const form = await changePassword('not-it', 'new-password-4567');
    expect(await within(form).findByText('The current password is wrong.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/account');
  });

  it('takes the new session’s CSRF token after a change', async () => {
    let sentToken: string | null = null;
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'POST /api/v1/auth/password': (request) => {
        sentToken = request.headers.get(kCsrfHeader);
        return jsonResponse(200, { ...me('admin'), csrf_token: 'csrf-new' });
      },
    });
    renderApp('/account');
    await changePassword('old-password-123', 'new-password-4567');
    expect((await screen.findByRole('status')).textContent).toBe(
      'Password changed. Your other sessions were signed out.',
    );
    expect(sentToken).toBe('csrf-admin');
    expect(getCsrfToken()).toBe('csrf-new');
  });
});
