import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { kCsrfHeader } from '../api/client';
import type { Connection, ConnectionKindInfo } from '../api/connections';
import type { Role } from '../api/roles';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';
import {
  createBody,
  draftOf,
  newDraft,
  secretsBody,
  sentence,
  settingsBody,
  updateBody,
} from './ConnectionsPage';

const kAt = '2025-01-15T10:00:00.000Z';

const kPostgres: ConnectionKindInfo = {
  name: 'postgres',
  description: 'A PostgreSQL server (libpq).',
  sql: true,
  fields: [
    { name: 'host', type: 'string', required: true, secret: false, help: 'host name' },
    {
      name: 'port',
      type: 'integer',
      required: false,
      secret: false,
      help: 'TCP port',
      default: 5432,
      min: 1,
      max: 65535,
    },
    { name: 'database', type: 'string', required: true, secret: false, help: 'database name' },
    { name: 'user', type: 'string', required: true, secret: false, help: 'role to connect as' },
    {
      name: 'password',
      type: 'string',
      required: false,
      secret: true,
      help: "the role's password",
    },
    {
      name: 'sslmode',
      type: 'choice',
      required: false,
      secret: false,
      help: 'libpq sslmode',
      default: 'prefer',
      choices: ['disable', 'prefer', 'require'],
    },
  ],
};

const kStorage: ConnectionKindInfo = {
  name: 'storage',
  description: "A local folder under the server's storage-root, where exports are written.",
  sql: false,
  fields: [
    { name: 'folder', type: 'string', required: true, secret: false, help: 'folder path' },
  ],
};

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'c1',
    name: 'warehouse',
    kind: 'postgres',
    description: 'Sales warehouse',
    settings: {
      host: 'db.local',
      port: 5432,
      database: 'sales',
      user: 'reader',
      sslmode: 'prefer',
      connect_timeout_seconds: 10,
    },
    secrets: { password: true },
    created_at: kAt,
    updated_at: kAt,
    updated_by: 'admin',
    ...overrides,
  };
}

type Sent = { body: unknown; csrf: string | null };

function fakeConnectionsApi(role: Role = 'admin') {
  const connections: Connection[] = [];
  const posted: Sent[] = [];
  const put: Sent[] = [];
  const drafts: Sent[] = [];
  const deleted: string[] = [];
  let createError: Response | null = null;
  let deleteError: Response | null = null;
  const fetchMock = stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    'GET /api/v1/connection-kinds': () => jsonResponse(200, { kinds: [kPostgres, kStorage] }),
    'GET /api/v1/connections': () =>
      role === 'viewer'
        ? errorResponse(403, 'forbidden', 'needs connections.read')
        : jsonResponse(200, { connections }),
    'POST /api/v1/connections': async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      posted.push({ body, csrf: request.headers.get(kCsrfHeader) });
      if (createError) return createError;
      const created = connection({
        id: `c${connections.length + 1}`,
        name: String(body.name),
        kind: body.kind as Connection['kind'],
        description: String(body.description ?? ''),
        secrets: body.kind === 'storage' ? {} : { password: body.secrets !== undefined },
      });
      connections.push(created);
      return jsonResponse(201, created);
    },
    'PUT /api/v1/connections/c1': async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      put.push({ body, csrf: request.headers.get(kCsrfHeader) });
      connections[0] = { ...connections[0]!, description: String(body.description) };
      return jsonResponse(200, connections[0]);
    },
    'DELETE /api/v1/connections/c1': () => {
      deleted.push('c1');
      if (deleteError) return deleteError;
      connections.splice(0, 1);
      return new Response(null, { status: 204 });
    },
    'POST /api/v1/connections/c1/test': () =>
      jsonResponse(200, { ok: false, message: 'connection refused', elapsed_ms: 7 }),
    'POST /api/v1/connections/test': async (request) => {
      drafts.push({ body: await request.json(), csrf: request.headers.get(kCsrfHeader) });
      return jsonResponse(200, { ok: true, message: 'PostgreSQL 15.10', elapsed_ms: 12 });
    },
  });
  return {
    connections,
    posted,
    put,
    drafts,
    deleted,
    fetchMock,
    failCreate: (response: Response) => {
      createError = response;
    },
    failDelete: (response: Response) => {
      deleteError = response;
    },
  };
}

function fill(scope: HTMLElement, label: string | RegExp, value: string) {
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });
}

/** Fills the required fields of a new PostgreSQL connection. */
function fillPostgres(dialog: HTMLElement) {
  fill(dialog, 'Name', 'warehouse');
  fill(dialog, 'Host', 'db.local');
  fill(dialog, 'Database', 'sales');
  fill(dialog, 'User', 'reader');
}

async function openCreate() {
  fireEvent.click(await screen.findByRole('button', { name: 'New connection' }));
  const dialog = screen.getByRole('dialog', { name: 'New connection' });
  await within(dialog).findByLabelText('Name');
  return dialog;
}

describe('ConnectionsPage', () => {
  it('creates a PostgreSQL connection from the kind’s fields', async () => {
    const api = fakeConnectionsApi();
    renderApp('/connections');
    expect(await screen.findByText('No connections yet.')).toBeTruthy();

    const dialog = await openCreate();
    const kind = within(dialog).getByLabelText('Kind') as HTMLSelectElement;
    expect([...kind.options].map((o) => o.textContent)).toEqual(['PostgreSQL', 'Storage folder']);
    expect(within(dialog).getByText('A PostgreSQL server (libpq).')).toBeTruthy();
    // Defaults are filled in; the secret is a password input.
    expect((within(dialog).getByLabelText('Port (optional)') as HTMLInputElement).value).toBe(
      '5432',
    );
    expect((within(dialog).getByLabelText('SSL mode') as HTMLSelectElement).value).toBe('prefer');
    const password = within(dialog).getByLabelText('Password') as HTMLInputElement;
    expect(password.type).toBe('password');

    fill(dialog, 'Name', 'warehouse');
    fill(dialog, 'Description (optional)', 'Sales warehouse');
    fill(dialog, 'Host', 'db.local');
    fill(dialog, 'Database', 'sales');
    fill(dialog, 'User', 'reader');
    fill(dialog, 'Password', 's3cret');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create connection' }));

    expect((await screen.findByRole('status')).textContent).toBe('Connection warehouse created.');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.posted).toEqual([
      {
        body: {
          name: 'warehouse',
          kind: 'postgres',
          description: 'Sales warehouse',
          settings: {
            host: 'db.local',
            port: 5432,
            database: 'sales',
            user: 'reader',
            sslmode: 'prefer',
          },
          secrets: { password: 's3cret' },
        },
        csrf: 'csrf-admin',
      },
    ]);
    const row = await screen.findByTestId('connection-warehouse');
    expect(within(row).getByText('PostgreSQL')).toBeTruthy();
    expect(within(row).getByText('Sales warehouse')).toBeTruthy();
    expect(within(row).getByText('by admin')).toBeTruthy();
    // The password never appears anywhere once the dialog closed.
    expect(document.body.textContent).not.toContain('s3cret');
  });

  it('switches the form to the chosen kind and tests the draft', async () => {
    const api = fakeConnectionsApi();
    renderApp('/connections');
    const dialog = await openCreate();
    fill(dialog, 'Name', 'reports');
    fill(dialog, 'Kind', 'storage');
    expect(within(dialog).queryByLabelText('Host')).toBeNull();
    fill(dialog, 'Folder', 'reports');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    const result = await within(dialog).findByText('Connected: PostgreSQL 15.10 (12 ms)');
    expect(result.getAttribute('role')).toBe('status');
    expect(api.drafts).toEqual([
      {
        body: { connection: { name: 'reports', kind: 'storage', settings: { folder: 'reports' } } },
        csrf: 'csrf-admin',
      },
    ]);
    // Changing the form hides a result that no longer describes it.
    fill(dialog, 'Folder', 'reports/2025');
    expect(within(dialog).queryByText(/Connected:/)).toBeNull();
  });

  it('shows a validation error next to the field it names', async () => {
    const api = fakeConnectionsApi();
    api.failCreate(
      errorResponse(422, 'validation', 'must be between 1 and 65535', { field: 'settings.port' }),
    );
    renderApp('/connections');
    const dialog = await openCreate();
    fillPostgres(dialog);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create connection' }));

    const error = await within(dialog).findByText('must be between 1 and 65535');
    const port = within(dialog).getByLabelText('Port (optional)');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(port.getAttribute('aria-describedby')).toContain(error.id);
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('puts a secret’s error next to it, and a name conflict next to the name', async () => {
    const api = fakeConnectionsApi();
    api.failCreate(
      errorResponse(422, 'validation', 'must be a string', { field: 'secrets.password' }),
    );
    renderApp('/connections');
    const dialog = await openCreate();
    fillPostgres(dialog);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create connection' }));
    await within(dialog).findByText('must be a string');
    expect(within(dialog).getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');

    api.failCreate(errorResponse(409, 'conflict', 'a connection named "warehouse" exists'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create connection' }));
    await within(dialog).findByText('a connection named "warehouse" exists');
    expect(within(dialog).getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
  });

  it('edits without sending the stored password, unless it is replaced or cleared', async () => {
    const api = fakeConnectionsApi();
    api.connections.push(connection());
    renderApp('/connections');
    const row = await screen.findByTestId('connection-warehouse');
    fireEvent.click(within(row).getByRole('button', { name: 'Edit warehouse' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit warehouse' });
    const password = (await within(dialog).findByLabelText('Password')) as HTMLInputElement;
    expect(password.value).toBe('');
    expect(within(dialog).getByTestId('secret-state-password').textContent).toBe('Set');
    expect(within(dialog).getByText(/A value is stored\. Leave empty to keep/)).toBeTruthy();
    expect((within(dialog).getByLabelText('Kind') as HTMLSelectElement).disabled).toBe(true);
    expect((within(dialog).getByLabelText('Host') as HTMLInputElement).value).toBe('db.local');

    // Test the edited draft: the stored secrets fill in (base_id).
    fill(dialog, 'Description (optional)', 'Main warehouse');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    await within(dialog).findByText('Connected: PostgreSQL 15.10 (12 ms)');
    expect(api.drafts[0]?.body).toEqual({
      base_id: 'c1',
      connection: {
        name: 'warehouse',
        description: 'Main warehouse',
        settings: {
          host: 'db.local',
          port: 5432,
          database: 'sales',
          user: 'reader',
          sslmode: 'prefer',
        },
      },
    });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('status')).textContent).toBe('Connection warehouse saved.');
    expect(api.put[0]?.body).not.toHaveProperty('secrets');
    expect(api.put[0]?.csrf).toBe('csrf-admin');

    // Clearing the password sends null for it.
    fireEvent.click(within(row).getByRole('button', { name: 'Edit warehouse' }));
    const again = screen.getByRole('dialog', { name: 'Edit warehouse' });
    fireEvent.click(await within(again).findByRole('button', { name: 'Clear Password' }));
    expect((within(again).getByLabelText('Password') as HTMLInputElement).disabled).toBe(true);
    expect(within(again).getByText(/Will be removed when you save/)).toBeTruthy();
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.put).toHaveLength(2));
    expect((api.put[1]?.body as { secrets: unknown }).secrets).toEqual({ password: null });
  });

  it('tests a stored connection from the list and shows why it failed', async () => {
    const api = fakeConnectionsApi();
    api.connections.push(connection());
    renderApp('/connections');
    const row = await screen.findByTestId('connection-warehouse');
    fireEvent.click(within(row).getByRole('button', { name: 'Test warehouse' }));
    const result = await screen.findByTestId('connection-test-result');
    await waitFor(() =>
      expect(result.textContent).toBe('Test of warehouse: Failed: connection refused (7 ms)'),
    );
    expect(result.dataset.ok).toBe('false');
    expect(sentRequests(api.fetchMock)).toContain('POST /api/v1/connections/c1/test');
  });

  it('deletes after asking, and shows why the server refused', async () => {
    const api = fakeConnectionsApi();
    api.connections.push(connection());
    api.failDelete(errorResponse(409, 'conflict', 'job "nightly" uses this connection'));
    renderApp('/connections');
    const row = await screen.findByTestId('connection-warehouse');
    fireEvent.click(within(row).getByRole('button', { name: 'Delete warehouse' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the connection warehouse?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'job "nightly" uses this connection',
    );

    api.failDelete(null as unknown as Response);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect((await screen.findByRole('status')).textContent).toBe('Connection warehouse deleted.');
    await waitFor(() => expect(screen.queryByTestId('connection-warehouse')).toBeNull());
    expect(api.deleted).toEqual(['c1', 'c1']);
  });

  it('shows an operator the list without ways to change it', async () => {
    const api = fakeConnectionsApi('operator');
    api.connections.push(connection());
    renderApp('/connections');
    const row = await screen.findByTestId('connection-warehouse');
    expect(within(row).queryByRole('button')).toBeNull();
    expect(screen.queryByRole('button', { name: 'New connection' })).toBeNull();
    expect(screen.getByText(/editors and admins can change them/)).toBeTruthy();
    expect(sentRequests(api.fetchMock)).not.toContain('GET /api/v1/connection-kinds');
  });

  it('speaks Portuguese when chosen', async () => {
    const api = fakeConnectionsApi();
    const reports = { kind: 'storage' as const, name: 'reports', settings: { folder: 'reports' } };
    api.connections.push(connection({ ...reports, secrets: {} }));
    localStorage.setItem('batuta.language', 'pt-BR');
    renderApp('/connections');
    const row = await screen.findByTestId('connection-reports');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Conexões');
    expect(within(row).getByText('Pasta de armazenamento')).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Editar reports' }));
    const dialog = screen.getByRole('dialog', { name: 'Editar reports' });
    expect(await within(dialog).findByLabelText('Pasta')).toBeTruthy();
    expect(within(dialog).getByText('Caminho da pasta, relativo à storage-root.')).toBeTruthy();
  });

  it('says so when the server refuses the list', async () => {
    fakeConnectionsApi('viewer');
    renderApp('/connections');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'You do not have permission for this.',
    );
  });
});

describe('connection form helpers', () => {
  it('shows the server’s help phrases as sentences', () => {
    expect(sentence('TCP port')).toBe('TCP port.');
    expect(sentence("the role's password")).toBe("The role's password.");
    expect(sentence('Driver={...}; (secret)')).toBe('Driver={...}; (secret)');
    expect(sentence(' ')).toBe('');
  });

  it('leaves empty settings out and sends integers as numbers', () => {
    const draft = newDraft(kPostgres);
    expect(draft.settings).toEqual({
      host: '',
      port: '5432',
      database: '',
      user: '',
      sslmode: 'prefer',
    });
    draft.settings.host = ' db ';
    draft.settings.port = '';
    expect(settingsBody(kPostgres, draft)).toEqual({ host: 'db', sslmode: 'prefer' });
    draft.settings.port = 'abc';
    expect(settingsBody(kPostgres, draft).port).toBe('abc');
  });

  it('keeps same-named values when the kind changes', () => {
    const draft = { ...newDraft(kPostgres), name: 'x' };
    draft.settings.host = 'db';
    const storage = newDraft(kStorage, draft);
    expect(storage).toMatchObject({ name: 'x', kind: 'storage', settings: { folder: '' } });
  });

  it('sends a secret only when typed or cleared', () => {
    const draft = draftOf(connection());
    expect(secretsBody(kPostgres, draft)).toEqual({});
    expect(updateBody(kPostgres, draft)).not.toHaveProperty('secrets');
    expect(secretsBody(kPostgres, { ...draft, secrets: { password: 'new' } })).toEqual({
      password: 'new',
    });
    expect(secretsBody(kPostgres, { ...draft, clear: { password: true } })).toEqual({
      password: null,
    });
    expect(createBody(kStorage, { ...newDraft(kStorage), name: 'r' })).toEqual({
      name: 'r',
      kind: 'storage',
      settings: {},
    });
  });
});
