// One job of the jobs list. Besides the job itself it asks for two small things per row: the
// job's newest run (GET /runs?job_id=…&limit=1) and its schedules with one next fire each; the
// list is paged, so that stays a few requests per page.
import { Link } from 'react-router';
import { type Job, type Run, useLatestJobRun } from '../../api/jobs';
import { type Schedule, useJobSchedules } from '../../api/schedules';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../format';
import { JobEnabledSwitch, JobState } from './JobEnabledSwitch';
import { RunNowButton, runPath } from './RunNowButton';

export function jobPath(id: string): string {
  return `/jobs/${encodeURIComponent(id)}`;
}

/** The class of a run status's badge. */
export function runStatusClass(status: Run['status']): string {
  if (status === 'succeeded') return 'status status-good';
  if (status === 'failed' || status === 'timed_out') return 'status status-bad';
  return 'status';
}

/** The soonest next fire of the enabled schedules, or null when none will fire. */
export function nextFire(schedules: Schedule[]): string | null {
  let soonest: string | null = null;
  for (const schedule of schedules) {
    const at = schedule.enabled ? schedule.next_fire_at : null;
    if (at && (soonest === null || Date.parse(at) < Date.parse(soonest))) soonest = at;
  }
  return soonest;
}

function LastRun({ job }: { job: Job }) {
  const { m, language } = useI18n();
  const latest = useLatestJobRun(job.id);
  if (latest.isPending) return <span className="cell-sub">{m.common.loading}</span>;
  if (latest.isError) return <span className="cell-sub">—</span>;
  const run = latest.data;
  if (!run) return <span className="cell-sub">{m.jobs.neverRan}</span>;
  const at = run.finished_at ?? run.started_at ?? run.queued_at;
  return (
    <span>
      <Link to={runPath(run.id)} className={runStatusClass(run.status)} data-status={run.status}>
        {m.jobs.runStatus[run.status] ?? run.status}
      </Link>
      <time className="cell-sub" dateTime={at}>
        {formatDateTime(language, at)}
      </time>
    </span>
  );
}

function NextFire({ job }: { job: Job }) {
  const { m, language } = useI18n();
  const schedules = useJobSchedules(job.id, 1);
  if (schedules.isPending) return <span className="cell-sub">{m.common.loading}</span>;
  if (schedules.isError) return <span className="cell-sub">—</span>;
  if (schedules.data.length === 0) return <span className="cell-sub">{m.jobs.noSchedule}</span>;
  if (!job.enabled) return <span className="cell-sub">{m.jobs.paused}</span>;
  const at = nextFire(schedules.data);
  if (!at) return <span className="cell-sub">{m.jobs.noNextFire}</span>;
  return <time dateTime={at}>{formatDateTime(language, at)}</time>;
}

interface JobRowProps {
  job: Job;
  canWrite: boolean;
  canTrigger: boolean;
  canReadRuns: boolean;
  onNotice: (text: string) => void;
}

export function JobRow({ job, canWrite, canTrigger, canReadRuns, onNotice }: JobRowProps) {
  const { m } = useI18n();
  return (
    <tr data-testid={`job-${job.name}`}>
      <th scope="row" data-label={m.jobs.name}>
        <span>
          <Link to={jobPath(job.id)}>{job.name}</Link>
          {job.description ? <span className="cell-sub">{job.description}</span> : null}
        </span>
      </th>
      <td data-label={m.jobs.type}>{m.jobs.typeNames[job.type] ?? job.type}</td>
      <td data-label={m.jobs.tags}>
        {(job.tags ?? []).length > 0 ? (
          <ul className="chip-list">
            {(job.tags ?? []).map((tag) => (
              <li key={tag} className="chip">
                {tag}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td data-label={m.jobs.status}>
        {canWrite ? <JobEnabledSwitch job={job} onDone={onNotice} /> : <JobState job={job} />}
      </td>
      {canReadRuns ? (
        <td data-label={m.jobs.lastRun}>
          <LastRun job={job} />
        </td>
      ) : null}
      <td data-label={m.jobs.nextFire}>
        <NextFire job={job} />
      </td>
      {canTrigger ? (
        <td data-label={m.common.actions}>
          <div className="row-actions">
            <RunNowButton job={job} withName />
          </div>
        </td>
      ) : null}
    </tr>
  );
}
