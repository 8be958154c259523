import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { RunDetail } from '../../api/runs';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../format';
import { formatRunDuration, objectEntries, triggerText, valueText } from './runFormat';

function runLink(id: string): ReactNode {
  return (
    <Link to={`/runs/${encodeURIComponent(id)}`}>
      <code>{id}</code>
    </Link>
  );
}

function Time({ iso }: { iso: string | null }) {
  const { language } = useI18n();
  if (!iso) return null;
  return <time dateTime={iso}>{formatDateTime(language, iso)}</time>;
}

/** The run's job, trigger, parameters, relations to other runs, and timings. */
export function RunFacts({ run }: { run: RunDetail }) {
  const { m, language } = useI18n();
  const trigger = triggerText(m, run);
  const parameters = objectEntries(run.parameters);
  const delayed = run.available_at !== run.queued_at && !run.started_at;

  return (
    <div className="run-cards">
      <section className="card" aria-labelledby="run-details">
        <h2 id="run-details">{m.runs.details}</h2>
        <dl className="facts">
          <dt>{m.runs.job}</dt>
          <dd>
            <Link to={`/jobs/${encodeURIComponent(run.job_id)}`}>{run.job_name}</Link>
            <span className="detail">{m.runs.jobVersion(run.job_version)}</span>
          </dd>
          <dt>{m.runs.trigger}</dt>
          <dd data-testid="run-trigger">
            {trigger.what}
            {trigger.by ? <span className="detail">{trigger.by}</span> : null}
          </dd>
          <dt>{m.runs.attemptLabel}</dt>
          <dd>{m.runs.attempt(run.attempt, run.max_attempts)}</dd>
          {run.retry_of ? (
            <>
              <dt>{m.runs.retryOf}</dt>
              <dd data-testid="run-retry-of">{runLink(run.retry_of)}</dd>
            </>
          ) : null}
          {run.rerun_of ? (
            <>
              <dt>{m.runs.rerunOf}</dt>
              <dd data-testid="run-rerun-of">{runLink(run.rerun_of)}</dd>
            </>
          ) : null}
          <dt>{m.runs.parameters}</dt>
          <dd>
            {parameters.length === 0 ? (
              <span className="detail">{m.runs.noParameters}</span>
            ) : (
              <dl className="run-params" data-testid="run-parameters">
                {parameters.map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>
                      <code>{valueText(value)}</code>
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="run-timings">
        <h2 id="run-timings">{m.runs.timings}</h2>
        <dl className="facts" data-testid="run-timings">
          <dt>{m.runs.queued}</dt>
          <dd>
            <Time iso={run.queued_at} />
          </dd>
          {run.scheduled_for ? (
            <>
              <dt>{m.runs.scheduledFor}</dt>
              <dd>
                <Time iso={run.scheduled_for} />
              </dd>
            </>
          ) : null}
          {delayed ? (
            <>
              <dt>{m.runs.availableAt}</dt>
              <dd>
                <Time iso={run.available_at} />
              </dd>
            </>
          ) : null}
          <dt>{m.runs.started}</dt>
          <dd>
            {run.started_at ? (
              <Time iso={run.started_at} />
            ) : (
              <span className="detail">{m.runs.notStarted}</span>
            )}
          </dd>
          <dt>{m.runs.finished}</dt>
          <dd>
            {run.finished_at ? (
              <Time iso={run.finished_at} />
            ) : (
              <span className="detail">{m.runs.notFinished}</span>
            )}
          </dd>
          <dt>{m.runs.duration}</dt>
          <dd data-testid="run-duration">{formatRunDuration(language, run.duration_ms)}</dd>
          <dt>{m.runs.timeout}</dt>
          <dd>
            {run.timeout_seconds > 0
              ? formatRunDuration(language, run.timeout_seconds * 1000)
              : m.runs.noTimeout}
          </dd>
          {run.worker ? (
            <>
              <dt>{m.runs.worker}</dt>
              <dd>
                <code>{run.worker}</code>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
    </div>
  );
}
