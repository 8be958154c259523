import { Link } from 'react-router';
import { type RunDetail, useRunAttempts } from '../../api/runs';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { errorText } from '../errors';
import { formatDateTime } from '../format';
import { RunStatusBadge } from './RunStatusBadge';

/**
 * Every attempt of the run's retry chain, each linking to its page; this run is marked.
 * Shown when the job retries (more than one attempt allowed or made).
 */
export function RunAttempts({ run }: { run: RunDetail }) {
  const { m, language } = useI18n();
  const shown = run.max_attempts > 1 || run.attempts.length > 1;
  const attempts = useRunAttempts(run.id, shown);
  if (!shown) return null;
  const list = attempts.data;

  return (
    <section className="card" aria-labelledby="run-attempts">
      <h2 id="run-attempts">{m.runs.attempts}</h2>
      {attempts.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{attempts.isError ? errorText(m, attempts.error) : null}</ErrorAlert>
      {list ? (
        <ol className="run-attempts" data-testid="run-attempts">
          {list.map((attempt) => {
            const current = attempt.id === run.id;
            return (
              <li key={attempt.id}>
                <Link
                  to={`/runs/${encodeURIComponent(attempt.id)}`}
                  aria-current={current ? 'page' : undefined}
                >
                  {m.runs.attemptN(attempt.attempt)}
                </Link>{' '}
                <RunStatusBadge status={attempt.status} />{' '}
                <span className="detail">
                  {formatDateTime(language, attempt.started_at ?? attempt.queued_at)}
                  {current ? ` · ${m.runs.thisAttempt}` : null}
                </span>
                {attempt.error ? <span className="cell-sub">{attempt.error}</span> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
