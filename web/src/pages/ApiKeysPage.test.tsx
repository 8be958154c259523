import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ApiKey } from '../api/apiKeys';
import { kCsrfHeader } from '../api/client';
import type { Role } from '../api/roles';
import { apiKey, kRoleList, me } from '../test/fixtures';
import { jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';
import { endOfDay, keyRoles, parseDatasets } from './ApiKeysPage';

const kSecret = 'btk_ab12cd34_0123456789abcdefghijklmnopqrstuv';

function fakeKeysApi(role: Role = 'admin') {
  const keys: ApiKey[] = [];
  const posted: { body: unknown; csrf: string | null }[] = [];
  const deleted: { id: string; csrf: string | null }[] = [];
  const fetchMock = stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    'GET /api/v1/roles': () => jsonResponse(200, { roles: kRoleList }),
    'GET /api/v1/api-keys': () => jsonResponse(200, { api_keys: keys }),
    'POST /api/v1/api-keys': async (request) => {
      const body = (await request.json()) as { name: string; role: Role; datasets?: string[] };
      posted.push({ body, csrf: request.headers.get(kCsrfHeader) });
      const created = apiKey({ name: body.name, role: body.role, datasets: body.datasets ?? null });
      keys.unshift(created);
      return jsonResponse(201, { ...created, key: kSecret });
    },
    'DELETE /api/v1/api-keys/k1': (request) => {
      deleted.push({ id: 'k1', csrf: request.headers.get(kCsrfHeader) });
      keys[0] = { ...keys[0]!, revoked_at: '2025-01-15T11:00:00.000Z' };
      return new Response(null, { status: 204 });
    },
  });
  return { keys, posted, deleted, fetchMock };
}

function fill(scope: HTMLElement, label: string, value: string) {
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });
}

async function createKey(name: string, options: { role?: Role; datasets?: string } = {}) {
  fireEvent.click(await screen.findByRole('button', { name: 'New API key' }));
  const dialog = screen.getByRole('dialog', { name: 'New API key' });
  fill(dialog, 'Name', name);
  if (options.role) {
    const role = options.role;
    const select = within(dialog).getByLabelText('Role') as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.value)).toContain(role));
    fill(dialog, 'Role', role);
  }
  if (options.datasets) fill(dialog, 'Datasets (optional)', options.datasets);
  fireEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
  return dialog;
}

describe('ApiKeysPage', () => {
  it('shows a new key once, with a copy button and a warning, then never again', async () => {
    const api = fakeKeysApi();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderApp('/account/api-keys');
    expect(await screen.findByText('No API keys.')).toBeTruthy();

    const dialog = await createKey('BI export', { role: 'viewer', datasets: 'sales, stock' });
    await within(dialog).findByRole('heading', { name: 'Copy your new API key' });
    const shown = within(dialog).getByLabelText('New API key') as HTMLInputElement;
    expect(shown.value).toBe(kSecret);
    expect(shown.readOnly).toBe(true);
    expect(within(dialog).getByText(/only time the key is shown/).textContent).toContain(
      'it cannot be shown again',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' }));
    await within(dialog).findByRole('button', { name: 'Copied' });
    expect(writeText).toHaveBeenCalledWith(kSecret);

    expect(api.posted).toEqual([
      {
        body: { name: 'BI export', role: 'viewer', datasets: ['sales', 'stock'] },
        csrf: 'csrf-admin',
      },
    ]);

    // The list shows the key's prefix only.
    const row = await screen.findByTestId('api-key-k1');
    expect(within(row).getByText('btk_ab12cd34…')).toBeTruthy();
    expect(within(row).getByText('sales, stock')).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.queryByDisplayValue(kSecret)).toBeNull();
    expect(document.body.textContent).not.toContain(kSecret);

    // Opening the dialog again starts a new key; the old one is gone.
    fireEvent.click(screen.getByRole('button', { name: 'New API key' }));
    expect(screen.queryByDisplayValue(kSecret)).toBeNull();
    expect(document.body.textContent).not.toContain(kSecret);
  });

  it('offers only roles no higher than the caller’s own', async () => {
    fakeKeysApi('operator');
    renderApp('/account/api-keys');
    fireEvent.click(await screen.findByRole('button', { name: 'New API key' }));
    const dialog = screen.getByRole('dialog', { name: 'New API key' });
    const select = within(dialog).getByLabelText('Role') as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(2));
    expect([...select.options].map((o) => o.value)).toEqual(['viewer', 'operator']);
    expect(select.value).toBe('viewer');
  });

  it('lets an admin see everyone’s keys', async () => {
    const api = fakeKeysApi('admin');
    renderApp('/account/api-keys');
    fireEvent.click(await screen.findByLabelText("Everyone's keys"));
    await waitFor(() =>
      expect(sentRequests(api.fetchMock)).toContain('GET /api/v1/api-keys?all=true'),
    );
  });

  it('does not offer everyone’s keys to others', async () => {
    fakeKeysApi('viewer');
    renderApp('/account/api-keys');
    await screen.findByText('No API keys.');
    expect(screen.queryByLabelText("Everyone's keys")).toBeNull();
  });

  it('revokes a key after asking', async () => {
    const api = fakeKeysApi();
    api.keys.push(
      apiKey({ last_used_at: '2025-01-15T10:30:00.000Z', last_used_address: '10.0.0.7' }),
    );
    renderApp('/account/api-keys');
    const row = await screen.findByTestId('api-key-k1');
    expect(within(row).getByText('from 10.0.0.7')).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Revoke BI export' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke the key "BI export"?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect((await screen.findByRole('status')).textContent).toBe('Key "BI export" revoked.');
    await within(row).findByText('Revoked');
    expect(api.deleted).toEqual([{ id: 'k1', csrf: 'csrf-admin' }]);
  });
});

describe('API key form helpers', () => {
  it('splits dataset names on commas and spaces', () => {
    expect(parseDatasets(' sales, stock\nsales  ')).toEqual(['sales', 'stock']);
    expect(parseDatasets('  ')).toEqual([]);
  });

  it('ends an expiry date at the end of that local day', () => {
    const end = new Date(endOfDay('2030-06-15'));
    expect([
      end.getFullYear(),
      end.getMonth(),
      end.getDate(),
      end.getHours(),
      end.getMinutes(),
    ]).toEqual([2030, 5, 15, 23, 59]);
  });

  it('allows the roles whose permissions the caller holds', () => {
    expect(keyRoles(me('admin'), kRoleList)).toEqual([
      'viewer',
      'operator',
      'approver',
      'editor',
      'admin',
    ]);
    expect(keyRoles(me('editor'), kRoleList)).toEqual(['viewer', 'operator', 'editor']);
    expect(keyRoles(me('viewer'), undefined)).toEqual(['viewer']);
  });
});
