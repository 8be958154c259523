import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeEventSource, installFakeEventSource } from '../../test/fakeEventSource';
import { me } from '../../test/fixtures';
import { jsonResponse, renderApp, stubApi } from '../../test/helpers';
import { logLine, logLines, runDetail, runningRun } from '../../test/runFixtures';
import { kFallbackRows, kLineHeight, kOverscan } from './LogViewport';

/** The run page of a running run, its event stream open. */
async function openRunLog() {
  stubApi({
    'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')),
    'GET /api/v1/runs/r1': () => jsonResponse(200, runDetail(runningRun({ id: 'r1' }))),
    'GET /api/v1/runs/r1/artifacts': () => jsonResponse(200, { artifacts: [] }),
  });
  renderApp('/runs/r1');
  await screen.findByTestId('run-status');
  const source = FakeEventSource.latest();
  source.open();
  return source;
}

function viewport() {
  return screen.getByRole('log', { name: 'Run log' });
}

function renderedSeqs(): number[] {
  return within(viewport())
    .queryAllByTestId('log-line')
    .map((row) => Number(row.dataset.seq));
}

/** Scrolls the viewport to `top` the way a user would (the browser then fires "scroll"). */
function scrollTo(top: number) {
  const element = viewport();
  element.scrollTop = top;
  fireEvent.scroll(element);
}

beforeEach(() => {
  installFakeEventSource();
});

describe('LogView', () => {
  it('shows lines as they arrive, coloured by level', async () => {
    const source = await openRunLog();
    expect(screen.getByText('No log lines yet.')).toBeTruthy();
    source.lines([
      logLine(1, { message: 'connecting to warehouse' }),
      logLine(2, { level: 'warn', message: 'slow query' }),
      logLine(3, { level: 'error', message: 'lost connection' }),
      logLine(4, { level: 'debug', message: 'retrying' }),
    ]);
    await waitFor(() => expect(renderedSeqs()).toEqual([1, 2, 3, 4]));
    const rows = within(viewport()).getAllByTestId('log-line');
    expect(rows.map((row) => row.dataset.level)).toEqual(['info', 'warn', 'error', 'debug']);
    expect(rows[1]?.className).toContain('log-level-warn');
    expect(rows[2]?.className).toContain('log-level-error');
    expect(within(rows[2] as HTMLElement).getByText('lost connection')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('error')).toBeTruthy();
    expect(screen.getByTestId('log-count').textContent).toBe('4 lines');

    source.lines([logLine(5, { message: 'done' })]);
    await waitFor(() => expect(renderedSeqs()).toEqual([1, 2, 3, 4, 5]));
  });

  it('keeps only the lines matching the search, highlighted', async () => {
    const source = await openRunLog();
    source.lines([
      logLine(1, { message: 'exporting to exports:vendas.csv' }),
      logLine(2, { message: 'query took 2 s' }),
      logLine(3, { message: 'wrote 10 rows to VENDAS.csv' }),
    ]);
    await waitFor(() => expect(renderedSeqs()).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'vendas' } });
    expect(renderedSeqs()).toEqual([1, 3]);
    expect(screen.getByTestId('log-count').textContent).toBe('2 of 3 lines match');
    const marks = viewport().querySelectorAll('mark');
    expect([...marks].map((mark) => mark.textContent)).toEqual(['vendas', 'VENDAS']);

    // Lines that arrive while searching are matched too.
    source.lines([logLine(4, { message: 'vendas: done' }), logLine(5, { message: 'bye' })]);
    await waitFor(() => expect(renderedSeqs()).toEqual([1, 3, 4]));

    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'nothing' } });
    expect(renderedSeqs()).toEqual([]);
    expect(screen.getByText('No lines match.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: '' } });
    expect(renderedSeqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it('pauses auto-scroll when the user scrolls up and resumes at the bottom', async () => {
    const source = await openRunLog();
    const total = 100;
    const end = (total - kFallbackRows) * kLineHeight;
    source.lines(logLines(total));
    await waitFor(() => expect(renderedSeqs()).toContain(total));
    expect(viewport().scrollTop).toBe(end);
    expect(viewport().dataset.following).toBe('true');

    scrollTo(0);
    expect(viewport().dataset.following).toBe('false');
    expect(renderedSeqs()[0]).toBe(1);
    const jump = screen.getByRole('button', { name: 'Jump to latest' });

    // New lines do not move a paused view.
    source.lines(logLines(10, total + 1));
    await waitFor(() => expect(screen.getByTestId('log-count').textContent).toBe('110 lines'));
    expect(viewport().scrollTop).toBe(0);
    expect(renderedSeqs()).not.toContain(total + 10);

    fireEvent.click(jump);
    expect(viewport().dataset.following).toBe('true');
    expect(viewport().scrollTop).toBe((total + 10 - kFallbackRows) * kLineHeight);
    expect(renderedSeqs()).toContain(total + 10);
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).toBeNull();

    // A wheel turn upwards pauses at once; scrolling back to the end resumes.
    fireEvent.wheel(viewport(), { deltaY: -100 });
    expect(viewport().dataset.following).toBe('false');
    scrollTo((total + 10 - kFallbackRows) * kLineHeight);
    expect(viewport().dataset.following).toBe('true');
    source.lines(logLines(5, total + 11));
    await waitFor(() => expect(renderedSeqs()).toContain(total + 15));
    expect(viewport().scrollTop).toBe((total + 15 - kFallbackRows) * kLineHeight);
  });

  it('shows the connection state as it changes', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('viewer')),
      'GET /api/v1/runs/r1': () => jsonResponse(200, runDetail(runningRun({ id: 'r1' }))),
      'GET /api/v1/runs/r1/artifacts': () => jsonResponse(200, { artifacts: [] }),
    });
    renderApp('/runs/r1');
    const state = await screen.findByTestId('log-connection');
    expect([state.dataset.state, state.textContent]).toEqual([
      'connecting',
      'Log stream: connecting…',
    ]);
    const source = FakeEventSource.latest();
    source.open();
    expect([state.dataset.state, state.textContent]).toEqual(['live', 'Log stream: live']);
    source.drop();
    expect(state.dataset.state).toBe('reconnecting');
    source.open();
    expect(state.dataset.state).toBe('live');
    source.emit('end', { type: 'end', run: runningRun({ id: 'r1', status: 'succeeded' }) });
    expect([state.dataset.state, state.textContent]).toEqual(['ended', 'Log stream: ended']);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('renders only a window of rows of a 10,000-line log', async () => {
    const source = await openRunLog();
    const total = 10_000;
    source.lines(logLines(total));
    await waitFor(() => expect(screen.getByTestId('log-count').textContent).toBe('10,000 lines'));
    const window = kFallbackRows + 2 * kOverscan + 1;
    let seqs = renderedSeqs();
    expect(seqs.length).toBeGreaterThan(kFallbackRows - 1);
    expect(seqs.length).toBeLessThanOrEqual(window);
    expect(seqs[seqs.length - 1]).toBe(total);
    const spacer = viewport().firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${total * kLineHeight}px`);

    scrollTo(5_000 * kLineHeight);
    seqs = renderedSeqs();
    expect(seqs.length).toBeLessThanOrEqual(window);
    expect(seqs).toContain(5_001);
    expect(seqs).not.toContain(total);
    expect(seqs).not.toContain(1);
    expect(viewport().querySelectorAll('.log-line')).toHaveLength(seqs.length);
  });
});
