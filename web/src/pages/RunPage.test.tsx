import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { kCsrfHeader } from '../api/client';
import type { Artifact, Run, RunDetail } from '../api/runs';
import type { Role } from '../api/roles';
import { FakeEventSource, installFakeEventSource } from '../test/fakeEventSource';
import { me } from '../test/fixtures';
import {
  type Handler,
  errorResponse,
  jsonResponse,
  renderApp,
  sentRequests,
  stubApi,
} from '../test/helpers';
import { artifact, run, runDetail, runningRun } from '../test/runFixtures';

interface FakeRun {
  detail: RunDetail;
  attempts?: Run[];
  artifacts?: Artifact[];
}

/** A fake API serving the runs in `runs` (by id) and any extra `routes`. */
function fakeRunApi(runs: FakeRun[], role: Role = 'admin', routes: Record<string, Handler> = {}) {
  const byId = new Map(runs.map((r) => [r.detail.id, r]));
  const find = (request: Request) => {
    const id = new URL(request.url).pathname.split('/')[4] ?? '';
    return byId.get(id);
  };
  const routed: Record<string, Handler> = {
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    ...routes,
  };
  for (const r of runs) {
    const base = `/api/v1/runs/${r.detail.id}`;
    routed[`GET ${base}`] = (request) => jsonResponse(200, find(request)?.detail);
    routed[`GET ${base}/attempts`] = () =>
      jsonResponse(200, { attempts: r.attempts ?? [r.detail] });
    routed[`GET ${base}/artifacts`] = () => jsonResponse(200, { artifacts: r.artifacts ?? [] });
  }
  return stubApi(routed);
}

beforeEach(() => {
  installFakeEventSource();
});

describe('RunPage', () => {
  it('shows the job link, status, trigger, parameters, timings, result and error', async () => {
    fakeRunApi([
      {
        detail: runDetail({
          id: 'r1',
          status: 'failed',
          parameters: { uf: 'SP', dias: 3 },
          error: 'the query failed: no such table',
          result: { rows: 10, dataset: 'vendas' },
          timeout_seconds: 600,
        }),
      },
    ]);
    renderApp('/runs/r1');
    const status = await screen.findByTestId('run-status');
    expect(status.textContent).toBe('failed');
    expect(status.dataset.status).toBe('failed');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('vendas-diarias');
    expect(screen.getByRole('link', { name: 'vendas-diarias' }).getAttribute('href')).toBe(
      '/jobs/j1',
    );
    expect(screen.getByText('version 3')).toBeTruthy();
    expect(screen.getByTestId('run-trigger').textContent).toBe('manualby admin');
    const parameters = screen.getByTestId('run-parameters');
    expect(within(parameters).getByText('uf').nextElementSibling?.textContent).toBe('SP');
    expect(within(parameters).getByText('dias').nextElementSibling?.textContent).toBe('3');
    expect(screen.getByTestId('run-duration').textContent).toBe('1m 5s');
    expect(within(screen.getByTestId('run-timings')).getByText('10m')).toBeTruthy();
    expect(screen.getByTestId('run-error').textContent).toBe(
      'Error: the query failed: no such table',
    );
    const result = screen.getByTestId('run-result');
    expect(within(result).getByRole('link', { name: 'vendas' }).getAttribute('href')).toBe(
      '/datasets/vendas',
    );
    expect(screen.queryByTestId('run-attempts')).toBeNull();
  });

  it('links the attempts of a retry chain and the run it retries or re-runs', async () => {
    const first = run({ id: 'r1', status: 'failed', attempt: 1, max_attempts: 2 });
    const second = run({
      id: 'r2',
      attempt: 2,
      max_attempts: 2,
      retry_of: 'r1',
      root_run_id: 'r1',
      rerun_of: 'r0',
      trigger: 'retry',
    });
    fakeRunApi([{ detail: { ...second, attempts: ['r1', 'r2'] }, attempts: [first, second] }]);
    renderApp('/runs/r2');
    const attempts = await screen.findByTestId('run-attempts');
    const links = within(attempts).getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Attempt 1', '/runs/r1'],
      ['Attempt 2', '/runs/r2'],
    ]);
    expect(links[1]?.getAttribute('aria-current')).toBe('page');
    expect(within(attempts).getByText('failed')).toBeTruthy();
    expect(within(screen.getByTestId('run-retry-of')).getByRole('link').getAttribute('href')).toBe(
      '/runs/r1',
    );
    expect(within(screen.getByTestId('run-rerun-of')).getByRole('link').getAttribute('href')).toBe(
      '/runs/r0',
    );
  });

  it('lists the files with download links and their dataset', async () => {
    fakeRunApi([
      {
        detail: runDetail({ id: 'r1' }),
        artifacts: [artifact(), artifact({ id: 'a2', dataset: null, path: 'extra.csv' })],
      },
    ]);
    renderApp('/runs/r1');
    const table = await screen.findByTestId('run-artifacts');
    const rows = within(table).getAllByTestId('run-artifact');
    expect(rows).toHaveLength(2);
    const download = within(table).getByRole('link', { name: 'Download vendas.csv' });
    expect(download.getAttribute('href')).toBe('/api/v1/artifacts/a1/download');
    expect(download.hasAttribute('download')).toBe(true);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: 'vendas' }).getAttribute(
      'href',
    )).toBe('/datasets/vendas');
    expect(within(rows[0] as HTMLElement).getByText('1,234')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('none')).toBeTruthy();
    expect(
      within(table).getByRole('link', { name: 'Download extra.csv' }).getAttribute('href'),
    ).toBe('/api/v1/artifacts/a2/download');
  });

  it('follows the status and progress events of a running export', async () => {
    const queued = run({ id: 'r1', status: 'queued', started_at: null, finished_at: null });
    const fake: FakeRun = { detail: { ...queued, duration_ms: null, attempts: ['r1'] } };
    fakeRunApi([fake]);
    renderApp('/runs/r1');
    expect((await screen.findByTestId('run-status')).textContent).toBe('queued');
    expect(screen.queryByTestId('run-progress')).toBeNull();

    const source = FakeEventSource.latest();
    expect(source.url).toBe('/api/v1/runs/r1/events');
    expect(source.withCredentials).toBe(true);
    source.open();
    const running = runningRun({ id: 'r1', progress: { rows: 10000, phase: 'query' } });
    source.emit('status', { type: 'status', run: running });
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('running'));
    const progress = screen.getByTestId('run-progress');
    expect(progress.textContent).toBe('10,000 rows so far');
    const bar = within(progress).getByRole('progressbar', { name: '10,000 rows so far' });
    expect(bar.hasAttribute('value')).toBe(false);

    source.emit('status', { type: 'progress', progress: { rows: 30000, phase: 'query' } });
    await waitFor(() => expect(progress.textContent).toBe('30,000 rows so far'));

    const finished = run({ id: 'r1', status: 'succeeded', result: { rows: 30500 } });
    fake.detail = { ...finished, attempts: ['r1'] };
    source.emit('end', { type: 'end', run: finished });
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('succeeded'));
    expect(screen.queryByTestId('run-progress')).toBeNull();
    expect(screen.getByTestId('log-connection').dataset.state).toBe('ended');
    expect(source.closed).toBe(true);
    expect(await screen.findByText('30500')).toBeTruthy();
  });

  it('shows a known end for a runner that reports one', async () => {
    fakeRunApi([
      { detail: runDetail(runningRun({ id: 'r1', progress: { waited_ms: 250, of_ms: 1000 } })) },
    ]);
    renderApp('/runs/r1');
    const bar = await screen.findByRole('progressbar', { name: '25% done' });
    expect((bar as HTMLProgressElement).value).toBe(0.25);
  });

  it('cancels a running run after confirming, with the CSRF token', async () => {
    const fake: FakeRun = { detail: runDetail(runningRun({ id: 'r1' })) };
    const fetchMock = fakeRunApi([fake], 'operator', {
      'POST /api/v1/runs/r1/cancel': () => {
        fake.detail = { ...fake.detail, cancel_requested: true };
        return jsonResponse(200, fake.detail);
      },
    });
    renderApp('/runs/r1');
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Cancel this run of vendas-diarias?',
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByTestId('run-cancel-requested')).toBeTruthy();
    const button = screen.getByRole('button', { name: 'Cancel requested' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    const post = fetchMock.mock.calls
      .map(([input]) => input as Request)
      .find((r) => r.method === 'POST');
    expect(post?.headers.get(kCsrfHeader)).toBe('csrf-a-operator');
    expect(screen.queryByRole('button', { name: 'Run again' })).toBeNull();
  });

  it('shows why a cancel was refused inside the dialog', async () => {
    fakeRunApi([{ detail: runDetail(runningRun({ id: 'r1' })) }], 'admin', {
      'POST /api/v1/runs/r1/cancel': () =>
        errorResponse(409, 'conflict', 'the run has already finished'),
    });
    renderApp('/runs/r1');
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel run' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'the run has already finished',
    );
  });

  it('runs a finished run again and opens the new run', async () => {
    const rerun = runDetail(
      runningRun({ id: 'r9', status: 'queued', started_at: null, rerun_of: 'r1' }),
    );
    const runs = [{ detail: runDetail({ id: 'r1' }) }, { detail: rerun }];
    const fetchMock = fakeRunApi(runs, 'admin', {
      'POST /api/v1/runs/r1/rerun': () => jsonResponse(201, rerun),
    });
    renderApp('/runs/r1');
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Run again' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r9'));
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('queued'));
    expect(sentRequests(fetchMock)).toContain('POST /api/v1/runs/r1/rerun');
    expect(FakeEventSource.latest().url).toBe('/api/v1/runs/r9/events');
    const oldStreams = FakeEventSource.instances.filter((s) => s.url.includes('/r1/'));
    expect(oldStreams.every((s) => s.closed)).toBe(true);
    expect(screen.getByRole('button', { name: 'Cancel run' })).toBeTruthy();
  });

  it('shows why a re-run was refused', async () => {
    fakeRunApi([{ detail: runDetail({ id: 'r1' }) }], 'admin', {
      'POST /api/v1/runs/r1/rerun': () =>
        errorResponse(422, 'invalid_argument', 'parameter "uf" is no longer declared'),
    });
    renderApp('/runs/r1');
    fireEvent.click(await screen.findByRole('button', { name: 'Run again' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'parameter "uf" is no longer declared',
    );
    expect(screen.getByTestId('location').textContent).toBe('/runs/r1');
  });

  it('offers neither cancel nor re-run to a viewer', async () => {
    fakeRunApi(
      [{ detail: runDetail(runningRun({ id: 'r1' })) }, { detail: runDetail({ id: 'r2' }) }],
      'viewer',
    );
    const active = renderApp('/runs/r1');
    expect((await screen.findByTestId('run-status')).textContent).toBe('running');
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    active.unmount();

    renderApp('/runs/r2');
    expect((await screen.findByTestId('run-status')).textContent).toBe('succeeded');
    expect(screen.queryByRole('button', { name: 'Run again' })).toBeNull();
  });

  it('says when there is no such run and stops listening', async () => {
    fakeRunApi([]);
    renderApp('/runs/nope');
    expect((await screen.findByRole('alert')).textContent).toBe('There is no run with id nope.');
    await waitFor(() => expect(FakeEventSource.latest().closed).toBe(true));
    expect(screen.queryByTestId('log-viewport')).toBeNull();
  });
});
