// Sample runs, log lines and artifacts for tests, shaped by the generated schema types.
import type { Artifact, LogLine, Run, RunDetail } from '../api/runs';

export const kQueuedAt = '2025-01-15T10:00:00.000Z';
export const kStartedAt = '2025-01-15T10:00:02.000Z';
export const kFinishedAt = '2025-01-15T10:01:07.500Z';

export function run(overrides: Partial<Run> = {}): Run {
  const id = overrides.id ?? 'r1';
  return {
    id,
    job_id: 'j1',
    job_name: 'vendas-diarias',
    job_version: 3,
    status: 'succeeded',
    trigger: 'manual',
    triggered_by: { kind: 'user', name: 'admin', id: 'u-admin' },
    parameters: {},
    attempt: 1,
    max_attempts: 1,
    retry_of: null,
    root_run_id: id,
    rerun_of: null,
    schedule_id: null,
    scheduled_for: null,
    timeout_seconds: 0,
    queued_at: kQueuedAt,
    available_at: kQueuedAt,
    started_at: kStartedAt,
    finished_at: kFinishedAt,
    duration_ms: 65_500,
    worker: 'node-a',
    cancel_requested: false,
    result: {},
    error: '',
    progress: {},
    log_lines: 0,
    ...overrides,
  };
}

/** A run still running: no end, no duration. */
export function runningRun(overrides: Partial<Run> = {}): Run {
  return run({ status: 'running', finished_at: null, duration_ms: null, ...overrides });
}

export function runDetail(overrides: Partial<RunDetail> = {}): RunDetail {
  const base = run(overrides);
  return { ...base, attempts: [base.id], ...overrides };
}

export function logLine(seq: number, overrides: Partial<LogLine> = {}): LogLine {
  return {
    seq,
    at: '2025-01-15T10:00:03.000Z',
    level: 'info',
    message: `line ${seq}`,
    ...overrides,
  };
}

/** Lines 1..count (or from `first`), all info. */
export function logLines(count: number, first = 1): LogLine[] {
  return Array.from({ length: count }, (_, i) => logLine(first + i));
}

export function artifact(overrides: Partial<Artifact> = {}): Artifact {
  return {
    id: 'a1',
    run_id: 'r1',
    job_id: 'j1',
    dataset: 'vendas',
    storage: 'exports',
    path: 'vendas.csv',
    content_type: 'text/csv; charset=utf-8',
    rows: 1234,
    bytes: 2048,
    sha256: 'ab'.repeat(32),
    columns: [{ name: 'id', type: 'integer' }],
    created_at: kFinishedAt,
    ...overrides,
  };
}
