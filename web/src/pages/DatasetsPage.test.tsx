import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Dataset, DatasetRowsPage, DatasetVersion } from '../api/datasets';
import { en } from '../i18n/en';
import { me } from '../test/fixtures';
import { jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';
import { kPageSize, pageOffset, pageRange, programCalls } from './DatasetPage';

const kAt = '2025-01-15T10:00:00.000Z';
const kColumns = [
  { name: 'id', type: 'integer' as const },
  { name: 'uf', type: 'text' as const },
];

function dataset(overrides: Partial<Dataset> = {}): Dataset {
  return {
    name: 'vendas',
    job_id: 'j1',
    updated_at: kAt,
    version: 'a2',
    rows: 120,
    bytes: 2048,
    sha256: 'ab'.repeat(32),
    content_type: 'text/csv; charset=utf-8',
    columns: kColumns.map((c) => ({ ...c, source_type: 'TEXT' })),
    format: {
      preset: 'rfc4180',
      delimiter: ',',
      quote: '"',
      header: true,
      line_ending: 'crlf',
      encoding: 'utf-8',
      on_unmappable: 'fail',
      decimal_separator: '.',
      date_format: '%Y-%m-%d',
      time_format: '%H:%M:%S',
      timestamp_format: '%Y-%m-%d %H:%M:%S',
      null_text: '',
      gzip: false,
      formula_guard: false,
    },
    ...overrides,
  };
}

function version(id: string, overrides: Partial<DatasetVersion> = {}): DatasetVersion {
  return {
    version: id,
    run_id: `r-${id}`,
    created_at: kAt,
    rows: 120,
    bytes: 2048,
    sha256: 'ab'.repeat(32),
    content_type: 'text/csv; charset=utf-8',
    storage: 'exports',
    path: 'vendas.csv',
    ...overrides,
  };
}

/** A fake data API over `total` rows: row i is {id: "i", uf: "SP"}, every 7th uf is null. */
function fakeDatasetsApi(datasets: Dataset[], total = 120) {
  return stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')),
    'GET /api/v1/datasets': () => jsonResponse(200, { datasets }),
    'GET /api/v1/datasets/vendas': () => jsonResponse(200, datasets[0]),
    'GET /api/v1/datasets/vendas/versions': () =>
      jsonResponse(200, {
        dataset: 'vendas',
        current: 'a2',
        versions: [version('a2'), version('a1')],
      }),
    'GET /api/v1/datasets/vendas/rows': (request) => {
      const query = new URL(request.url).searchParams;
      const offset = Number(query.get('offset'));
      const limit = Number(query.get('limit'));
      const rows = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) {
        rows.push({ id: String(i + 1), uf: (i + 1) % 7 === 0 ? null : 'SP' });
      }
      const page: DatasetRowsPage = {
        dataset: 'vendas',
        version: 'a2',
        columns: kColumns,
        rows,
        total,
        offset,
        limit,
        next_cursor: offset + limit < total ? 'cursor' : null,
      };
      return jsonResponse(200, page);
    },
  });
}

describe('DatasetsPage', () => {
  it('says when there are no datasets yet', async () => {
    fakeDatasetsApi([]);
    renderApp('/datasets');
    expect((await screen.findByTestId('datasets-empty')).textContent).toContain(
      'No datasets yet.',
    );
  });

  it('lists datasets with rows, size, update and version, linking to each', async () => {
    fakeDatasetsApi([dataset({ rows: 12345, bytes: 1536 })]);
    renderApp('/datasets');
    const row = await screen.findByTestId('dataset-vendas');
    expect(within(row).getByText('12,345')).toBeTruthy();
    expect(within(row).getByText('1.5 KB')).toBeTruthy();
    expect(within(row).getByText('a2')).toBeTruthy();
    fireEvent.click(within(row).getByRole('link', { name: 'vendas' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe('/datasets/vendas'),
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'vendas' })).toBeTruthy();
  });
});

describe('DatasetPage', () => {
  it('pages through a preview with typed column headers', async () => {
    const fetchMock = fakeDatasetsApi([dataset()]);
    renderApp('/datasets/vendas');
    const table = await screen.findByTestId('dataset-preview');
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((th) => th.textContent);
    expect(headers).toEqual(['idinteger', 'uftext']);
    expect(within(table).getAllByRole('row')).toHaveLength(kPageSize + 1);
    expect(within(table).getAllByText('null')).toHaveLength(7);
    const range = screen.getByTestId('dataset-range');
    expect(range.textContent).toBe('rows 1–50 of 120');
    const prev = screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement;
    const next = screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;
    expect(prev.disabled).toBe(true);

    fireEvent.click(next);
    await waitFor(() => expect(range.textContent).toBe('rows 51–100 of 120'));
    expect(screen.getByTestId('location').textContent).toBe('/datasets/vendas?offset=50');
    fireEvent.click(next);
    await waitFor(() => expect(range.textContent).toBe('rows 101–120 of 120'));
    await waitFor(() => expect(next.disabled).toBe(true));
    fireEvent.click(prev);
    await waitFor(() => expect(range.textContent).toBe('rows 51–100 of 120'));
    expect(sentRequests(fetchMock)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/datasets/vendas/rows?limit=50&offset=0',
        'GET /api/v1/datasets/vendas/rows?limit=50&offset=50',
        'GET /api/v1/datasets/vendas/rows?limit=50&offset=100',
      ]),
    );
  });

  it('offers the download, the versions and the calls a program makes', async () => {
    fakeDatasetsApi([dataset()]);
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderApp('/datasets/vendas');
    const download = await screen.findByRole('link', { name: 'Download' });
    expect(download.getAttribute('href')).toBe('/api/v1/datasets/vendas/download');

    const versions = await screen.findByTestId('dataset-versions');
    expect(within(versions).getAllByRole('row')).toHaveLength(3);
    expect(within(versions).getByText('current')).toBeTruthy();
    expect(
      within(versions).getByRole('link', { name: 'Download a1' }).getAttribute('href'),
    ).toBe('/api/v1/datasets/vendas/download?version=a1');

    const origin = window.location.origin;
    const auth = "-H 'Authorization: Bearer <your API key>'";
    expect(screen.getByTestId('program-rows').textContent).toBe(
      `curl -fsS ${auth} '${origin}/api/v1/datasets/vendas/rows?limit=50&offset=0'`,
    );
    expect(screen.getByTestId('program-ndjson').textContent).toBe(
      `curl -fsS ${auth} '${origin}/api/v1/datasets/vendas/rows?format=ndjson&limit=all'`,
    );
    expect(screen.getByTestId('program-csv').textContent).toBe(
      `curl -fsS -OJ ${auth} '${origin}/api/v1/datasets/vendas/download'`,
    );
    const panel = screen.getByTestId('dataset-program');
    fireEvent.click(
      within(panel).getByRole('button', { name: `Copy: ${en.datasets.programNdjson}` }),
    );
    await within(panel).findByText('Copied', { selector: 'button' });
    expect(writeText).toHaveBeenCalledWith(screen.getByTestId('program-ndjson').textContent);
  });

  it('says when there is no such dataset', async () => {
    stubApi({ 'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')) });
    renderApp('/datasets/nope');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no dataset named nope.',
    );
  });
});

describe('dataset page helpers', () => {
  it('reads the offset from the address, as a page boundary', () => {
    expect(pageOffset(null)).toBe(0);
    expect(pageOffset('50')).toBe(50);
    expect(pageOffset('73')).toBe(50);
    expect(pageOffset('-5')).toBe(0);
    expect(pageOffset('x')).toBe(0);
  });

  it('numbers the rows a page shows from 1', () => {
    expect(pageRange({ offset: 50, rows: [{}, {}] })).toEqual({ from: 51, to: 52 });
  });

  it('escapes nothing a dataset name can hold, and names the key placeholder', () => {
    const calls = programCalls(en, 'https://batuta.example', 'a.b-c_d');
    expect(calls.map((c) => c.url)).toEqual([
      'https://batuta.example/api/v1/datasets/a.b-c_d/rows?limit=50&offset=0',
      'https://batuta.example/api/v1/datasets/a.b-c_d/rows?format=ndjson&limit=all',
      'https://batuta.example/api/v1/datasets/a.b-c_d/download',
    ]);
  });
});
