// One job of the jobs list. The list's items carry the job's newest run, its number of
// schedules and its next fire (JobListItem), so a page of jobs is one request.
import { Link } from 'react-router';
import type { JobListItem, Run } from '../../api/jobs';
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

function LastRun({ job }: { job: JobListItem }) {
  const { m, language } = useI18n();
  const run = job.last_run;
  if (!run) return <span className="cell-sub">{m.jobs.neverRan}</span>;
  const at = run.finished_at ?? run.queued_at;
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

function NextFire({ job }: { job: JobListItem }) {
  const { m, language } = useI18n();
  if (job.schedule_count === 0) return <span className="cell-sub">{m.jobs.noSchedule}</span>;
  if (!job.enabled) return <span className="cell-sub">{m.jobs.paused}</span>;
  const at = job.next_fire_at;
  if (!at) return <span className="cell-sub">{m.jobs.noNextFire}</span>;
  return <time dateTime={at}>{formatDateTime(language, at)}</time>;
}

interface JobRowProps {
  job: JobListItem;
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
