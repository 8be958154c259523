import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useRun } from '../api/runs';
import { ErrorAlert } from '../components/Alert';
import { errorText } from '../components/errors';
import { RunActions } from '../components/runs/RunActions';
import { RunArtifacts } from '../components/runs/RunArtifacts';
import { RunAttempts } from '../components/runs/RunAttempts';
import { RunFacts } from '../components/runs/RunFacts';
import { RunLog } from '../components/runs/RunLog';
import { RunProgress } from '../components/runs/RunProgress';
import { RunResult } from '../components/runs/RunResult';
import { RunStatusBadge } from '../components/runs/RunStatusBadge';
import { useI18n } from '../i18n';

function RunView({ runId }: { runId: string }) {
  const { m } = useI18n();
  const run = useRun(runId);
  const missing = run.error instanceof ApiError && run.error.status === 404;
  const data = run.data;

  return (
    <section className="page run-page">
      <p>
        <Link to="/runs">← {m.runs.back}</Link>
      </p>
      <div className="page-head">
        <h1>
          {data ? data.job_name : m.runs.runTitle}{' '}
          <span className="run-id">
            <code>{runId}</code>
          </span>
        </h1>
        {data ? <RunActions run={data} /> : null}
      </div>
      {run.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>
        {missing ? m.runs.notFound(runId) : run.isError ? errorText(m, run.error) : null}
      </ErrorAlert>
      {data ? (
        <>
          <div className="run-status-line">
            <RunStatusBadge status={data.status} testId="run-status" />
            {data.cancel_requested && data.status === 'running' ? (
              <span className="detail" data-testid="run-cancel-requested">
                {m.runs.cancelRequested}
              </span>
            ) : null}
          </div>
          {data.error ? (
            <p className="alert alert-error" data-testid="run-error">
              <strong>{m.runs.error}:</strong> {data.error}
            </p>
          ) : null}
          <RunProgress run={data} />
          <RunFacts run={data} />
          <RunAttempts run={data} />
          <RunResult run={data} />
          <RunArtifacts runId={runId} />
        </>
      ) : null}
      {missing ? null : <RunLog runId={runId} enabled />}
    </section>
  );
}

/**
 * One run: its status (live), job, trigger, parameters, timings, attempts, result, files to
 * download, a progress bar while it runs, cancel / run again, and the live log. Everything
 * starts over when the address names another run (e.g. after "Run again").
 */
export function RunPage() {
  const runId = useParams().runId ?? '';
  return <RunView key={runId} runId={runId} />;
}
