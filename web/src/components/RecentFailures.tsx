// The last failed or timed-out runs, newest first: each opens its run page.
import { useId } from 'react';
import { Link } from 'react-router';
import type { OverviewRun } from '../api/overview';
import { useI18n } from '../i18n';
import { formatRelative, firstLine } from './overviewFormat';
import { RelativeTime } from './RelativeTime';

interface RecentFailuresProps {
  runs: OverviewRun[];
  nowMs: number;
}

export function RecentFailures({ runs, nowMs }: RecentFailuresProps) {
  const { m, language } = useI18n();
  const headingId = useId();
  return (
    <section className="card overview-list" aria-labelledby={headingId}>
      <h2 id={headingId}>{m.overview.failures}</h2>
      {runs.length === 0 ? (
        <p className="detail" data-testid="failures-empty">
          {m.overview.noFailures}
        </p>
      ) : (
        <ul data-testid="recent-failures">
          {runs.map((run) => {
            const at = run.finished_at ?? run.queued_at;
            const error = firstLine(run.error);
            return (
              <li key={run.run_id} data-testid="recent-failure">
                <div className="overview-item-head">
                  <Link
                    to={`/runs/${encodeURIComponent(run.run_id)}`}
                    aria-label={m.overview.openRun(
                      run.job_name,
                      formatRelative(language, at, nowMs),
                    )}
                  >
                    {run.job_name}
                  </Link>
                  <span className="status status-bad">{m.overview.statuses[run.status]}</span>
                </div>
                <RelativeTime iso={at} nowMs={nowMs} />
                {error ? (
                  <p className="overview-error" title={run.error}>
                    {error}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
