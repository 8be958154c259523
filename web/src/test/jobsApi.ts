// A fake of the jobs, schedules and connections endpoints for the Jobs pages' tests, with the
// sample bodies they use. It records what the app sent so tests can check the requests.
import type { ConnectionKindInfo, Connection } from '../api/connections';
import type { Job, JobListItem, Run } from '../api/jobs';
import type { Schedule } from '../api/schedules';
import type { Role } from '../api/roles';
import { me } from './fixtures';
import { errorResponse, jsonResponse, stubApi } from './helpers';

const kAt = '2025-01-15T10:00:00.000Z';

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'j1',
    name: 'vendas',
    description: 'Daily sales for BI',
    tags: ['bi'],
    type: 'sql_export',
    config: { connection: 'dw', query: 'SELECT * FROM vendas WHERE dia >= :window_start' },
    parameters: [],
    policies: {
      timeout_seconds: 3600,
      retries: { count: 0, backoff_seconds: 30, multiplier: 2, max_backoff_seconds: 3600, jitter: true },
      overlap: 'queue',
      max_concurrent: 1,
      notify_on: ['failure', 'timeout'],
    },
    enabled: true,
    version: 1,
    created_at: kAt,
    updated_at: kAt,
    updated_by: 'admin',
    ...overrides,
  };
}

export function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'r1',
    job_id: 'j1',
    job_name: 'vendas',
    job_version: 1,
    status: 'succeeded',
    trigger: 'manual',
    triggered_by: { kind: 'user', name: 'admin', id: 'u-admin' },
    parameters: {},
    attempt: 1,
    max_attempts: 1,
    retry_of: null,
    root_run_id: 'r1',
    rerun_of: null,
    schedule_id: null,
    scheduled_for: null,
    timeout_seconds: 3600,
    queued_at: kAt,
    available_at: kAt,
    started_at: kAt,
    finished_at: kAt,
    duration_ms: 1200,
    worker: 'node-1',
    cancel_requested: false,
    result: {},
    error: '',
    progress: {},
    log_lines: 3,
    ...overrides,
  };
}

export function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: 's1',
    job_id: 'j1',
    spec: { cron: '0 6 * * 1-5', timezone: 'America/Sao_Paulo' },
    misfire: { policy: 'skip', grace_seconds: 60 },
    enabled: true,
    next_fire_at: '2025-01-16T09:00:00Z',
    last_scheduled_for: null,
    created_at: kAt,
    updated_at: kAt,
    next: ['2025-01-16T09:00:00Z', '2025-01-17T09:00:00Z'],
    ...overrides,
  };
}

export const kSqliteKind: ConnectionKindInfo = {
  name: 'sqlite',
  description: 'A SQLite database file.',
  sql: true,
  fields: [{ name: 'path', type: 'string', required: true, secret: false, help: 'file' }],
};

export const kStorageKind: ConnectionKindInfo = {
  name: 'storage',
  description: 'A folder.',
  sql: false,
  fields: [{ name: 'folder', type: 'string', required: true, secret: false, help: 'folder' }],
};

export function connection(name: string, kind: Connection['kind']): Connection {
  return {
    id: `c-${name}`,
    name,
    kind,
    description: '',
    settings: kind === 'storage' ? { folder: name } : { path: `${name}.db` },
    secrets: {},
    created_at: kAt,
    updated_at: kAt,
    updated_by: 'admin',
  };
}

export interface Sent {
  path: string;
  body: unknown;
}

/** Next fire times the fake preview answers: one a day at 09:00Z from 2025-01-16. */
export function previewTimes(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `2025-01-${String(16 + i).padStart(2, '0')}T09:00:00Z`);
}

/** A job as the server lists it: its newest run, schedule count and soonest enabled fire. */
function listItem(j: Job, runs: Run[], schedules: Schedule[]): JobListItem {
  const mine = runs.filter((r) => r.job_id === j.id);
  const newest = mine[mine.length - 1];
  const own = schedules.filter((s) => s.job_id === j.id);
  let next: string | null = null;
  for (const s of own) {
    if (j.enabled && s.enabled && s.next_fire_at && (!next || Date.parse(s.next_fire_at) < Date.parse(next))) {
      next = s.next_fire_at;
    }
  }
  return {
    ...j,
    last_run: newest
      ? { id: newest.id, status: newest.status, queued_at: newest.queued_at, finished_at: newest.finished_at }
      : null,
    schedule_count: own.length,
    next_fire_at: next,
  };
}

/**
 * The fake server. `jobs` and `schedules` are live lists the handlers read and change; set
 * `fail[key]` to a Response to make that call fail once ("POST /api/v1/jobs", ...).
 */
export function fakeJobsApi(role: Role = 'admin', options: { jobs?: Job[]; schedules?: Schedule[] } = {}) {
  const jobs = options.jobs ?? [];
  const schedules = options.schedules ?? [];
  const runs: Run[] = [];
  const sent: Sent[] = [];
  const fail: Record<string, Response> = {};
  const failing = (key: string) => {
    const response = fail[key];
    delete fail[key];
    return response;
  };
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    sent.push({ path: `${request.method} ${url.pathname}${url.search}`, body });
    return body as Record<string, unknown>;
  };
  const jobRoute = (id: string) => `/api/v1/jobs/${id}`;
  const routes: Record<string, (request: Request) => Response | Promise<Response>> = {
    'GET /api/v1/auth/me': () => jsonResponse(200, me(role)),
    'GET /api/v1/job-types': () =>
      jsonResponse(200, {
        job_types: [
          { name: 'sql_export', description: 'Runs a query and writes a CSV dataset.', config_fields: [] },
          {
            name: 'util.wait',
            description: 'Waits N seconds.',
            config_fields: [
              {
                name: 'seconds',
                type: 'number',
                required: false,
                default: 60,
                minimum: 0,
                maximum: 604800,
                help: 'How long to wait.',
              },
            ],
          },
          { name: 'custom.hook', description: 'Takes free-form JSON.', config_fields: [] },
        ],
      }),
    'GET /api/v1/jobs': (request) => {
      const url = new URL(request.url);
      sent.push({ path: `GET /api/v1/jobs${url.search}`, body: undefined });
      const after = url.searchParams.get('after');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const from = after ? jobs.findIndex((j) => j.name === after) + 1 : 0;
      const page = jobs.slice(from, from + limit).map((j) => listItem(j, runs, schedules));
      const next = from + limit < jobs.length ? (page[page.length - 1]?.name ?? null) : null;
      return jsonResponse(200, { jobs: page, next_cursor: next });
    },
    'POST /api/v1/jobs': async (request) => {
      const body = await record(request);
      const failure = failing('POST /api/v1/jobs');
      if (failure) return failure;
      const created = job({ ...(body as Partial<Job>), id: `j${jobs.length + 1}`, version: 1 });
      jobs.push(created);
      return jsonResponse(201, created);
    },
    'GET /api/v1/connections': () =>
      role === 'viewer'
        ? errorResponse(403, 'forbidden', 'needs connections.read')
        : jsonResponse(200, {
            connections: [
              connection('dw', 'sqlite'),
              connection('exports', 'storage'),
              connection('reports', 'storage'),
            ],
          }),
    'GET /api/v1/connection-kinds': () => jsonResponse(200, { kinds: [kSqliteKind, kStorageKind] }),
    'GET /api/v1/runs': (request) => {
      const id = new URL(request.url).searchParams.get('job_id');
      const mine = runs.filter((r) => r.job_id === id);
      return jsonResponse(200, { runs: mine.slice(-1), next_cursor: null });
    },
    'POST /api/v1/schedules/preview': async (request) => {
      const body = await record(request);
      const failure = failing('POST /api/v1/schedules/preview');
      if (failure) return failure;
      const count = Number(new URL(request.url).searchParams.get('count') ?? 5);
      return jsonResponse(200, {
        spec: body,
        description: { en: 'server words', 'pt-BR': 'palavras do servidor' },
        next: previewTimes(count),
      });
    },
  };
  for (const each of jobs) addJobRoutes(each.id);

  function addJobRoutes(id: string) {
    const find = () => jobs.find((j) => j.id === id);
    routes[`GET ${jobRoute(id)}`] = () => {
      const found = find();
      return found ? jsonResponse(200, found) : errorResponse(404, 'not_found', 'no such job');
    };
    routes[`PUT ${jobRoute(id)}`] = async (request) => {
      const body = await record(request);
      const failure = failing(`PUT ${jobRoute(id)}`);
      if (failure) return failure;
      const index = jobs.findIndex((j) => j.id === id);
      const { version: _version, ...definition } = body as Partial<Job>;
      const updated = { ...jobs[index]!, ...definition, version: jobs[index]!.version + 1 };
      jobs[index] = updated;
      return jsonResponse(200, updated);
    };
    routes[`DELETE ${jobRoute(id)}`] = async (request) => {
      await record(request);
      jobs.splice(
        jobs.findIndex((j) => j.id === id),
        1,
      );
      return new Response(null, { status: 204 });
    };
    for (const action of ['enable', 'disable']) {
      routes[`POST ${jobRoute(id)}/${action}`] = async (request) => {
        await record(request);
        const index = jobs.findIndex((j) => j.id === id);
        jobs[index] = { ...jobs[index]!, enabled: action === 'enable' };
        return jsonResponse(200, jobs[index]);
      };
    }
    routes[`POST ${jobRoute(id)}/runs`] = async (request) => {
      await record(request);
      const failure = failing(`POST ${jobRoute(id)}/runs`);
      if (failure) return failure;
      const created = run({ id: `r${runs.length + 1}`, job_id: id, status: 'queued' });
      runs.push(created);
      return jsonResponse(201, created);
    };
    routes[`GET ${jobRoute(id)}/versions`] = () =>
      jsonResponse(200, {
        versions: [
          { job_id: id, version: find()?.version ?? 1, created_at: kAt, created_by: 'admin', definition: {} },
        ],
      });
    routes[`GET ${jobRoute(id)}/schedules`] = () =>
      jsonResponse(200, { schedules: schedules.filter((s) => s.job_id === id) });
    routes[`POST ${jobRoute(id)}/schedules`] = async (request) => {
      const body = await record(request);
      const failure = failing(`POST ${jobRoute(id)}/schedules`);
      if (failure) return failure;
      const { misfire, enabled, ...spec } = body as Record<string, unknown>;
      const created = schedule({
        id: `s${schedules.length + 1}`,
        job_id: id,
        spec,
        misfire: (misfire as Record<string, unknown>) ?? { policy: 'skip' },
        enabled: enabled !== false,
      });
      schedules.push(created);
      addScheduleRoutes(created.id);
      return jsonResponse(201, created);
    };
  }

  function addScheduleRoutes(id: string) {
    routes[`PUT /api/v1/schedules/${id}`] = async (request) => {
      const body = await record(request);
      const failure = failing(`PUT /api/v1/schedules/${id}`);
      if (failure) return failure;
      const index = schedules.findIndex((s) => s.id === id);
      const { misfire, enabled, ...spec } = body as Record<string, unknown>;
      schedules[index] = {
        ...schedules[index]!,
        spec,
        misfire: misfire as Record<string, unknown>,
        enabled: enabled !== false,
      };
      return jsonResponse(200, schedules[index]);
    };
    routes[`DELETE /api/v1/schedules/${id}`] = async (request) => {
      await record(request);
      schedules.splice(
        schedules.findIndex((s) => s.id === id),
        1,
      );
      return new Response(null, { status: 204 });
    };
  }
  for (const each of schedules) addScheduleRoutes(each.id);

  // A job created through the fake gets its routes when it is created.
  const create = routes['POST /api/v1/jobs']!;
  routes['POST /api/v1/jobs'] = async (request) => {
    const response = await create(request);
    const created = jobs[jobs.length - 1];
    if (response.status === 201 && created) addJobRoutes(created.id);
    return response;
  };

  const fetchMock = stubApi(routes);
  return {
    jobs,
    schedules,
    runs,
    sent,
    fail,
    fetchMock,
    /** The bodies sent to "METHOD /path" (without the query), in order. */
    bodies: (key: string) => sent.filter((s) => s.path.split('?')[0] === key).map((s) => s.body),
  };
}
