import { focusManager } from '@tanstack/react-query';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Overview, OverviewDay, OverviewRun } from '../api/overview';
import { formatDateTime } from '../components/format';
import type { Role } from '../api/roles';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, sentRequests, stubApi } from '../test/helpers';

const kNow = '2025-01-15T12:00:00.000Z';
const kNowMs = Date.parse(kNow);
const kHour = 3_600_000;

function iso(offsetMs: number): string {
  return new Date(kNowMs + offsetMs).toISOString();
}

function run(id: string, overrides: Partial<OverviewRun> = {}): OverviewRun {
  return {
    run_id: id,
    job_id: 'j-export',
    job_name: 'nightly-export',
    status: 'succeeded',
    trigger: 'schedule',
    queued_at: iso(-2 * kHour),
    finished_at: iso(-2 * kHour + 60_000),
    duration_ms: 60_000,
    error: '',
    ...overrides,
  };
}

/** The 14 days ending on 2025-01-15, all empty unless `filled` says otherwise. */
function daily(filled: Record<string, Partial<OverviewDay>> = {}): OverviewDay[] {
  return Array.from({ length: 14 }, (_, i) => {
    const date = `2025-01-${String(2 + i).padStart(2, '0')}`;
    return {
      date,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
      other: 0,
      p50_duration_ms: null,
      max_duration_ms: null,
      ...filled[date],
    };
  });
}

function overview(overrides: Partial<Overview> = {}): Overview {
  return {
    generated_at: kNow,
    time_zone: 'UTC',
    days: 14,
    jobs: { total: 5, enabled: 4 },
    today: { runs: 7, succeeded: 4, failed: 2, cancelled: 0, running: 1, queued: 0 },
    window: {
      from: '2025-01-02T00:00:00.000Z',
      runs: 40,
      finished: 38,
      succeeded: 35,
      success_rate: 0.875,
    },
    recent_failures: [
      run('r-fail-1', {
        status: 'failed',
        finished_at: iso(-3 * kHour),
        error: 'connection refused\n  at source.cc:12',
      }),
      run('r-fail-2', {
        job_name: 'hourly-sync',
        status: 'timed_out',
        finished_at: iso(-26 * kHour),
        error: 'timed out after 60 s',
      }),
    ],
    upcoming_fires: [
      { job_id: 'j-export', job_name: 'nightly-export', schedule_id: 's-1', fire_at: iso(300_000) },
      { job_id: 'j-sync', job_name: 'hourly-sync', schedule_id: 's-2', fire_at: iso(3 * kHour) },
    ],
    daily: daily({
      '2025-01-14': { succeeded: 3, failed: 1, p50_duration_ms: 90_000, max_duration_ms: 120_000 },
      '2025-01-15': {
        succeeded: 4,
        failed: 2,
        other: 1,
        p50_duration_ms: 45_000,
        max_duration_ms: 70_000,
      },
      '2025-01-10': { cancelled: 2 },
    }),
    recent_runs: [
      run('r-1', { finished_at: iso(-30 * kHour), duration_ms: 120_000 }),
      run('r-2', { status: 'failed', finished_at: iso(-20 * kHour), duration_ms: 5_000 }),
      run('r-3', { status: 'cancelled', finished_at: iso(-2 * kHour), duration_ms: 30_000 }),
      run('r-running', { status: 'running', finished_at: null, duration_ms: null }),
    ],
    ...overrides,
  };
}

const version = () => jsonResponse(200, { name: 'batuta', version: '0.1.0' });
const ready = () => jsonResponse(200, { status: 'ready', store: 'sqlite', schema_version: 3 });

function stubHome(body: () => Response, role: Role = 'admin') {
  return stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    'GET /api/v1/version': version,
    '/readyz': ready,
    'GET /api/v1/overview': body,
  });
}

function overviewRequests(fetchMock: ReturnType<typeof stubApi>): string[] {
  return sentRequests(fetchMock).filter((r) => r.startsWith('GET /api/v1/overview'));
}

afterEach(() => {
  vi.useRealTimers();
  focusManager.setFocused(undefined);
});

describe('HomePage overview', () => {
  it('asks for 14 days in the browser zone and shows the figures', async () => {
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({
      ...new Intl.DateTimeFormat('en').resolvedOptions(),
      timeZone: 'America/Sao_Paulo',
    });
    const fetchMock = stubHome(() => jsonResponse(200, overview()));
    renderApp('/');

    const jobs = await screen.findByTestId('stat-jobs');
    expect(jobs.textContent).toBe('Jobs54 enabled');
    expect(screen.getByTestId('stat-today').textContent).toBe(
      'Runs today74 succeeded · 2 failed · 1 running',
    );
    const rate = screen.getByTestId('stat-success-rate');
    expect(within(rate).getByText('87.5%')).toBeTruthy();
    expect(within(rate).getByText('last 14 days, cancelled runs not counted')).toBeTruthy();
    expect(within(screen.getByTestId('stat-window')).getByText('40')).toBeTruthy();

    const [request] = fetchMock.mock.calls
      .map(([input]) => new URL((input as Request).url))
      .filter((url) => url.pathname === '/api/v1/overview');
    expect(request?.searchParams.get('days')).toBe('14');
    expect(request?.searchParams.get('tz')).toBe('America/Sao_Paulo');
  });

  it('shows a dash for the success rate when nothing finished', async () => {
    stubHome(() =>
      jsonResponse(
        200,
        overview({
          window: { from: kNow, runs: 1, finished: 0, succeeded: 0, success_rate: null },
        }),
      ),
    );
    renderApp('/');
    const rate = await screen.findByTestId('stat-success-rate');
    expect(within(rate).getByText('—')).toBeTruthy();
    expect(within(rate).getByText('no finished runs in the window')).toBeTruthy();
    expect(rate.textContent).not.toMatch(/%/);
  });

  it('formats numbers and percentages in the chosen language', async () => {
    localStorage.setItem('batuta.language', 'pt-BR');
    stubHome(() => jsonResponse(200, overview({ jobs: { total: 12_345, enabled: 3 } })));
    renderApp('/');
    const jobs = await screen.findByTestId('stat-jobs');
    expect(within(jobs).getByText('12.345')).toBeTruthy();
    expect(within(screen.getByTestId('stat-success-rate')).getByText('87,5%')).toBeTruthy();
    const failure = screen.getByRole('link', {
      name: 'Execução de nightly-export que falhou há 3 horas',
    });
    expect(failure.getAttribute('href')).toBe('/runs/r-fail-1');
  });

  it('lists recent failures, each a link to its run, with the error headline', async () => {
    stubHome(() => jsonResponse(200, overview()));
    renderApp('/');

    const items = await screen.findAllByTestId('recent-failure');
    expect(items).toHaveLength(2);
    const first = items[0]!;
    const link = within(first).getByRole('link', {
      name: 'Run of nightly-export that failed 3 hours ago',
    });
    expect(link.getAttribute('href')).toBe('/runs/r-fail-1');
    expect(within(first).getByText('connection refused')).toBeTruthy();
    expect(first.textContent).not.toContain('source.cc');
    expect(within(first).getByText('3 hours ago').getAttribute('dateTime')).toBe(iso(-3 * kHour));
    expect(within(items[1]!).getByText('timed out')).toBeTruthy();
    expect(within(items[1]!).getByText('yesterday')).toBeTruthy();

    fireEvent.click(link);
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r-fail-1'));
  });

  it('lists upcoming fires with relative and absolute times, linked to the job', async () => {
    stubHome(() => jsonResponse(200, overview()));
    renderApp('/');

    const fires = await screen.findAllByTestId('upcoming-fire');
    expect(fires).toHaveLength(2);
    const link = within(fires[0]!).getByRole('link', { name: 'nightly-export' });
    expect(link.getAttribute('href')).toBe('/jobs/j-export');
    expect(within(fires[0]!).getByText('in 5 minutes')).toBeTruthy();
    expect(within(fires[0]!).getByText(formatDateTime('en', iso(5 * 60_000)))).toBeTruthy();
    expect(within(fires[1]!).getByText('in 3 hours')).toBeTruthy();
    expect(within(fires[1]!).getByRole('link').getAttribute('href')).toBe('/jobs/j-sync');
  });

  it('draws a bar per day, stacked by outcome, with the median and a summary', async () => {
    stubHome(() => jsonResponse(200, overview()));
    renderApp('/');

    const chart = await screen.findByTestId('daily-chart');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    expect(chart.getAttribute('width')).toBe('100%');
    expect(
      screen.getByRole('img', {
        name: 'Runs per day over the last 14 days: 13 runs, 7 succeeded, 3 failed or timed out. The table below has each day.',
      }),
    ).toBe(chart);

    const bars = within(chart).getAllByTestId('daily-bar');
    expect(bars).toHaveLength(14);
    const count = (outcome: string) =>
      chart.querySelectorAll(`rect[data-outcome="${outcome}"]`).length;
    expect(count('succeeded')).toBe(2);
    expect(count('failed')).toBe(2);
    expect(count('cancelled')).toBe(1);
    expect(count('other')).toBe(1);
    expect(within(chart).getAllByTestId('daily-median')).toHaveLength(2);
    const today = bars[13]!;
    expect(today.dataset.date).toBe('2025-01-15');
    expect(today.querySelector('title')?.textContent).toBe(
      'Wed, Jan 15 — Succeeded: 4, Failed or timed out: 2, Cancelled: 0, Queued or running: 1; Median duration: 45 sec',
    );
    // The stack's heights are proportional to the counts (today: 4 + 2 + 1 on a 0..8 axis).
    const heights = [...today.querySelectorAll('rect[data-outcome]')].map((r) =>
      Number(r.getAttribute('height')),
    );
    expect(heights[0]! / heights[1]!).toBeCloseTo(2);
    expect(heights[1]! / heights[2]!).toBeCloseTo(2);

    const table = screen.getByTestId('daily-table');
    expect(table.parentElement?.className).toBe('visually-hidden');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(15);
    expect(rows[14]!.textContent).toBe('Wed, Jan 154201' + '45 sec');
    expect(within(chart).getByText('Runs')).toBeTruthy();
    expect(within(chart).getByText('Median duration')).toBeTruthy();
    expect(within(chart).getByText('Day')).toBeTruthy();
  });

  it('plots each finished recent run by when it finished and how long it took', async () => {
    stubHome(() => jsonResponse(200, overview()));
    renderApp('/');

    const chart = await screen.findByTestId('durations-chart');
    expect(
      screen.getByRole('img', {
        name: '3 finished runs: shortest 5 sec, median 30 sec, longest 2 min.',
      }),
    ).toBe(chart);
    const points = within(chart).getAllByTestId('durations-point');
    expect(points.map((p) => p.dataset.outcome)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(points.map((p) => p.getAttribute('href'))).toEqual([
      '/runs/r-1',
      '/runs/r-2',
      '/runs/r-3',
    ]);
    expect(points[1]!.querySelector('title')?.textContent).toBe(
      `nightly-export: failed ${formatDateTime('en', iso(-20 * kHour))}, took 5 sec`,
    );
    // Later runs are further right; the longest run is the highest point (smallest y).
    const centre = (p: Element) => p.querySelector('path')!.getAttribute('d')!;
    const xy = points.map((p) => centre(p).match(/^M([\d.]+),([\d.]+)/)!.slice(1).map(Number));
    expect(xy[0]![0]!).toBeLessThan(xy[1]![0]!);
    expect(xy[1]![0]!).toBeLessThan(xy[2]![0]!);
    expect(xy[0]![1]!).toBeLessThan(xy[2]![1]!);

    fireEvent.click(points[2]!);
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/runs/r-3'));
  });

  it('says there are no runs yet and offers to create a job to editors', async () => {
    const empty = overview({
      jobs: { total: 0, enabled: 0 },
      today: { runs: 0, succeeded: 0, failed: 0, cancelled: 0, running: 0, queued: 0 },
      window: { from: kNow, runs: 0, finished: 0, succeeded: 0, success_rate: null },
      recent_failures: [],
      upcoming_fires: [],
      daily: daily(),
      recent_runs: [],
    });
    stubHome(() => jsonResponse(200, empty));
    const { unmount } = renderApp('/');

    const state = await screen.findByTestId('overview-empty');
    expect(within(state).getByText('No runs yet.')).toBeTruthy();
    const create = within(state).getByRole('link', { name: 'Create a job' });
    expect(create.getAttribute('href')).toBe('/jobs');
    expect(screen.queryByTestId('daily-chart')).toBeNull();
    expect(screen.getByTestId('failures-empty').textContent).toBe('No failed runs.');
    expect(screen.getByTestId('upcoming-empty')).toBeTruthy();
    unmount();

    stubHome(() => jsonResponse(200, { ...empty, jobs: { total: 2, enabled: 2 } }), 'viewer');
    renderApp('/');
    const viewerState = await screen.findByTestId('overview-empty');
    expect(within(viewerState).getByText('No runs in the last 14 days.')).toBeTruthy();
    expect(within(viewerState).queryByRole('link')).toBeNull();
  });

  it('shows an alert when the overview fails to load; the server box still works', async () => {
    stubHome(() => {
      throw new TypeError('Failed to fetch');
    });
    renderApp('/');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Cannot reach the server. Check the connection and try again.');
    await screen.findByText('0.1.0');
    expect(within(screen.getByTestId('server-box')).getByText('ready')).toBeTruthy();
    expect(screen.queryByTestId('overview-stats')).toBeNull();
  });

  it('retries in the server zone when the server does not know the browser one', async () => {
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({
      ...new Intl.DateTimeFormat('en').resolvedOptions(),
      timeZone: 'Mars/Olympus',
    });
    const fetchMock = stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      'GET /api/v1/overview': (request) =>
        new URL(request.url).searchParams.has('tz')
          ? errorResponse(422, 'invalid', 'unknown time zone', { field: 'tz' })
          : jsonResponse(200, overview()),
    });
    renderApp('/');

    await screen.findByTestId('overview-stats');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(overviewRequests(fetchMock)).toEqual([
      'GET /api/v1/overview?days=14&tz=Mars%2FOlympus',
      'GET /api/v1/overview?days=14',
    ]);
  });

  it('refreshes every 30 seconds while the page is visible, and not while hidden', async () => {
    // Only intervals are faked: the refresh runs on one, while promises and Testing Library's
    // own waits keep real time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let jobs = 5;
    const fetchMock = stubHome(() =>
      jsonResponse(200, overview({ jobs: { total: jobs, enabled: 1 } })),
    );
    renderApp('/');
    await waitFor(() => expect(screen.getByTestId('stat-jobs').textContent).toContain('Jobs5'));
    expect(overviewRequests(fetchMock)).toHaveLength(1);

    jobs = 6;
    await act(async () => {
      vi.advanceTimersByTime(29_999);
    });
    expect(overviewRequests(fetchMock)).toHaveLength(1);
    await act(async () => {
      vi.advanceTimersByTime(1);
    });
    await waitFor(() => expect(screen.getByTestId('stat-jobs').textContent).toContain('Jobs6'));
    expect(overviewRequests(fetchMock)).toHaveLength(2);

    act(() => focusManager.setFocused(false));
    await act(async () => {
      vi.advanceTimersByTime(90_000);
    });
    expect(overviewRequests(fetchMock)).toHaveLength(2);

    jobs = 7;
    act(() => focusManager.setFocused(true));
    await act(async () => {
      vi.advanceTimersByTime(30_000);
    });
    await waitFor(() => expect(screen.getByTestId('stat-jobs').textContent).toContain('Jobs7'));
    expect(overviewRequests(fetchMock)).toHaveLength(3);
  });
});
