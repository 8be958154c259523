import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { type Run, type RunPage, kActiveRefreshMs, listRefreshInterval } from '../api/runs';
import { installFakeEventSource } from '../test/fakeEventSource';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';
import { run, runningRun } from '../test/runFixtures';

const kJobs = [
  { id: 'j1', name: 'vendas-diarias' },
  { id: 'j2', name: 'estoque' },
];

/** A fake runs API: GET /runs answers `pages` in turn by `before` (undefined: the first). */
function fakeRunsApi(pages: Record<string, RunPage>, role: 'admin' | 'viewer' = 'viewer') {
  return stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    'GET /api/v1/jobs': () => jsonResponse(200, { jobs: kJobs, next_cursor: null }),
    'GET /api/v1/runs': (request) => {
      const before = new URL(request.url).searchParams.get('before') ?? '';
      const page = pages[before];
      return page ? jsonResponse(200, page) : errorResponse(404, 'not_found', 'no page');
    },
  });
}

function page(runs: Run[], next_cursor: string | null = null): RunPage {
  return { runs, next_cursor };
}

function runsQuery(fetchMock: ReturnType<typeof stubApi>): URLSearchParams[] {
  return sentRequests(fetchMock)
    .filter((r) => r.startsWith('GET /api/v1/runs'))
    .map((r) => new URL(r.slice(4), 'http://localhost').searchParams);
}

describe('RunsPage', () => {
  it('lists job, status, trigger and who, times and duration, linking each run', async () => {
    fakeRunsApi({
      '': page([
        runningRun({ id: 'r2', started_at: '2025-01-15T11:00:00.000Z' }),
        run({
          id: 'r1',
          status: 'failed',
          trigger: 'schedule',
          triggered_by: { kind: 'system', name: 'scheduler', id: null },
          attempt: 2,
          max_attempts: 3,
        }),
      ]),
    });
    installFakeEventSource();
    renderApp('/runs');
    const table = await screen.findByTestId('runs-table');
    const rows = within(table).getAllByTestId('run-row');
    expect(rows.map((row) => row.dataset.runId)).toEqual(['r2', 'r1']);

    const first = rows[0] as HTMLElement;
    expect(within(first).getByText('running').dataset.status).toBe('running');
    expect(within(first).getByText('manual')).toBeTruthy();
    expect(within(first).getByText('by admin')).toBeTruthy();

    const second = rows[1] as HTMLElement;
    expect(within(second).getByText('failed').className).toContain('status-bad');
    expect(within(second).getByText('schedule')).toBeTruthy();
    expect(within(second).getByText('by scheduler (system)')).toBeTruthy();
    expect(within(second).getByText(/attempt 2 of 3/)).toBeTruthy();
    expect(within(second).getByText('1m 5s')).toBeTruthy();
    const times = second.querySelectorAll('time');
    expect([...times].map((t) => t.dateTime)).toEqual([
      '2025-01-15T10:00:00.000Z',
      '2025-01-15T10:00:02.000Z',
    ]);
    expect(times[0]?.textContent).toContain('Jan 15, 2025');

    fireEvent.click(within(second).getByRole('link', { name: 'vendas-diarias (run r1)' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r1'));
  });

  it('takes its filters from the address and offers the jobs by name', async () => {
    const fetchMock = fakeRunsApi({ '': page([run()]) });
    renderApp('/runs?job_id=j2&status=failed&trigger=api');
    await screen.findByTestId('runs-table');
    const query = runsQuery(fetchMock)[0] as URLSearchParams;
    expect(query.get('job_id')).toBe('j2');
    expect(query.get('status')).toBe('failed');
    expect(query.get('trigger')).toBe('api');
    expect(query.get('limit')).toBe('50');

    const job = screen.getByLabelText('Job') as HTMLSelectElement;
    await waitFor(() => expect(job.selectedOptions[0]?.textContent).toBe('estoque'));
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('failed');
    expect((screen.getByLabelText('Trigger') as HTMLSelectElement).value).toBe('api');
  });

  it('puts applied filters in the address and clears them', async () => {
    const fetchMock = fakeRunsApi({ '': page([run()]) });
    renderApp('/runs');
    await screen.findByTestId('runs-table');
    await screen.findByRole('option', { name: 'vendas-diarias' });
    fireEvent.change(screen.getByLabelText('Job'), { target: { value: 'j1' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'succeeded' } });
    fireEvent.change(screen.getByLabelText('Queued from'), {
      target: { value: '2025-01-15T08:30' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));

    const from = new Date('2025-01-15T08:30').toISOString();
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        `/runs?job_id=j1&status=succeeded&from=${encodeURIComponent(from)}`,
      ),
    );
    await waitFor(() => expect(runsQuery(fetchMock)).toHaveLength(2));
    const query = runsQuery(fetchMock)[1] as URLSearchParams;
    expect([query.get('job_id'), query.get('status'), query.get('from')]).toEqual([
      'j1',
      'succeeded',
      from,
    ]);
    expect((screen.getByLabelText('Queued from') as HTMLInputElement).value).toBe(
      '2025-01-15T08:30',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs'));
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('');
  });

  it('shows a refused filter next to its control', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')),
      'GET /api/v1/jobs': () => jsonResponse(200, { jobs: [], next_cursor: null }),
      'GET /api/v1/runs': () =>
        errorResponse(422, 'invalid_argument', 'from must be an RFC 3339 time', {
          field: 'from',
        }),
    });
    renderApp('/runs?from=yesterday');
    const message = await screen.findByText('from must be an RFC 3339 time');
    const from = screen.getByLabelText('Queued from');
    expect(from.getAttribute('aria-invalid')).toBe('true');
    expect(from.getAttribute('aria-describedby')).toContain(message.id);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('loads older runs with the cursor until the last page', async () => {
    const fetchMock = fakeRunsApi({
      '': page([run({ id: 'r3' }), run({ id: 'r2' })], 'r2'),
      r2: page([run({ id: 'r1' })]),
    });
    renderApp('/runs?status=succeeded');
    await screen.findByTestId('runs-table');
    expect(screen.getAllByTestId('run-row')).toHaveLength(2);
    expect(screen.queryByText('No older runs.')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Load older runs' }));
    await waitFor(() => expect(screen.getAllByTestId('run-row')).toHaveLength(3));
    const second = runsQuery(fetchMock)[1] as URLSearchParams;
    expect(second.get('before')).toBe('r2');
    expect(second.get('status')).toBe('succeeded');
    expect(screen.queryByRole('button', { name: 'Load older runs' })).toBeNull();
    expect(screen.getByText('No older runs.')).toBeTruthy();
  });

  it('says when no run matches', async () => {
    fakeRunsApi({ '': page([]) });
    renderApp('/runs');
    expect((await screen.findByTestId('runs-empty')).textContent).toBe('No runs match.');
  });

  it('refreshes only while a run on the page is queued or running', () => {
    expect(listRefreshInterval(undefined)).toBe(false);
    expect(listRefreshInterval([page([run()]), page([run({ status: 'failed' })])])).toBe(false);
    expect(listRefreshInterval([page([run()]), page([run({ status: 'queued' })])])).toBe(
      kActiveRefreshMs,
    );
    expect(listRefreshInterval([page([runningRun()])])).toBe(kActiveRefreshMs);
  });
});
