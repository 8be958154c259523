import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api/audit';
import { me } from '../test/fixtures';
import { jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';

function entry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    at: `2025-01-15T10:00:0${seq}.000Z`,
    actor_kind: 'user',
    actor_id: 'u-admin',
    actor_name: 'admin',
    action: 'auth.login',
    target_type: 'session',
    target_id: '',
    remote_address: '127.0.0.1',
    outcome: 'success',
    details: {},
    ...overrides,
  };
}

describe('AuditPage', () => {
  it('shows entries newest first and loads more with the cursor', async () => {
    const fetchMock = stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'GET /api/v1/audit': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return cursor === 'c1'
          ? jsonResponse(200, { entries: [entry(1)], next_cursor: null })
          : jsonResponse(200, {
              entries: [entry(3, { action: 'user.create', details: { role: 'viewer' } }), entry(2)],
              next_cursor: 'c1',
            });
      },
    });
    renderApp('/admin/audit');
    const table = await screen.findByTestId('audit-table');
    expect(
      within(table)
        .getAllByTestId('audit-entry')
        .map((row) => row.dataset.action),
    ).toEqual(['user.create', 'auth.login']);
    expect(within(table).getByText('{"role":"viewer"}')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('End of the log.');
    expect(within(table).getAllByTestId('audit-entry')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(sentRequests(fetchMock).filter((r) => r.includes('/audit'))).toEqual([
      'GET /api/v1/audit?limit=50',
      'GET /api/v1/audit?limit=50&cursor=c1',
    ]);
  });

  it('sends the filters it was given and leaves out empty ones', async () => {
    const fetchMock = stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'GET /api/v1/audit': () => jsonResponse(200, { entries: [], next_cursor: null }),
    });
    renderApp('/admin/audit');
    expect(await screen.findByText('No entries match.')).toBeTruthy();

    const form = screen.getByRole('form', { name: 'Filters' });
    fireEvent.change(within(form).getByLabelText('Actor'), { target: { value: ' admin ' } });
    fireEvent.change(within(form).getByLabelText('Action'), { target: { value: 'user.' } });
    fireEvent.change(within(form).getByLabelText('Outcome'), { target: { value: 'denied' } });
    fireEvent.change(within(form).getByLabelText('From'), {
      target: { value: '2025-01-15T08:00' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const from = encodeURIComponent(new Date('2025-01-15T08:00').toISOString());
    await waitFor(() =>
      expect(sentRequests(fetchMock)).toContain(
        `GET /api/v1/audit?limit=50&actor=admin&action=user.&outcome=denied&from=${from}`,
      ),
    );
  });
});
