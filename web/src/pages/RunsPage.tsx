import { Link, useSearchParams } from 'react-router';
import { type Run, type RunFilters, useRuns } from '../api/runs';
import { ErrorAlert } from '../components/Alert';
import { errorText, formErrors } from '../components/errors';
import { formatDateTime } from '../components/format';
import { RunFiltersForm } from '../components/runs/RunFiltersForm';
import { RunStatusBadge } from '../components/runs/RunStatusBadge';
import { formatRunDuration, triggerText } from '../components/runs/runFormat';
import {
  filtersFromParams,
  kFilterNames,
  paramsFromFilters,
} from '../components/runs/runFilters';
import { type Language, type Messages, useI18n } from '../i18n';

function RunRow({ run, m, language }: { run: Run; m: Messages; language: Language }) {
  const trigger = triggerText(m, run);
  return (
    <tr data-testid="run-row" data-run-id={run.id} data-status={run.status}>
      <th scope="row" data-label={m.runs.job}>
        <span>
          <Link to={`/runs/${encodeURIComponent(run.id)}`}>
            {run.job_name}
            <span className="visually-hidden"> {m.runs.runId(run.id)}</span>
          </Link>
          <span className="cell-sub">
            <code>{run.id}</code>
            {run.attempt > 1 ? ` · ${m.runs.attempt(run.attempt, run.max_attempts)}` : null}
          </span>
        </span>
      </th>
      <td data-label={m.runs.status}>
        <span>
          <RunStatusBadge status={run.status} />
          {run.cancel_requested && run.status === 'running' ? (
            <span className="cell-sub">{m.runs.cancelRequestedShort}</span>
          ) : null}
        </span>
      </td>
      <td data-label={m.runs.trigger}>
        <span>
          {trigger.what}
          {trigger.by ? <span className="cell-sub">{trigger.by}</span> : null}
        </span>
      </td>
      <td data-label={m.runs.queued}>
        <time dateTime={run.queued_at}>{formatDateTime(language, run.queued_at)}</time>
      </td>
      <td data-label={m.runs.started}>
        {run.started_at ? (
          <time dateTime={run.started_at}>{formatDateTime(language, run.started_at)}</time>
        ) : (
          <span className="detail">{m.runs.notStarted}</span>
        )}
      </td>
      <td data-label={m.runs.duration}>{formatRunDuration(language, run.duration_ms)}</td>
    </tr>
  );
}

/**
 * Runs, newest first: filters in the address (shareable), "load older runs" paging, and
 * refreshed every few seconds while a run on the page is queued or running.
 */
export function RunsPage() {
  const { m, language } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const list = useRuns(filters);
  const runs = list.data?.pages.flatMap((page) => page.runs) ?? [];
  const firstPageError = list.isError && !list.isFetchNextPageError ? list.error : null;
  const formError = formErrors(m, firstPageError, kFilterNames).form;
  const apply = (next: RunFilters) => setParams(paramsFromFilters(next));

  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.runs.title}</h1>
      </div>
      <p className="lead">{m.runs.lead}</p>
      <RunFiltersForm
        key={paramsFromFilters(filters).toString()}
        filters={filters}
        error={firstPageError}
        onApply={apply}
      />
      {list.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{formError}</ErrorAlert>
      {list.isSuccess && runs.length === 0 ? <p data-testid="runs-empty">{m.runs.empty}</p> : null}
      {runs.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">{m.runs.job}</th>
                <th scope="col">{m.runs.status}</th>
                <th scope="col">{m.runs.trigger}</th>
                <th scope="col">{m.runs.queued}</th>
                <th scope="col">{m.runs.started}</th>
                <th scope="col">{m.runs.duration}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow key={run.id} run={run} m={m} language={language} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorAlert>
        {list.isFetchNextPageError ? errorText(m, list.error) : null}
      </ErrorAlert>
      {list.hasNextPage ? (
        <p className="load-more">
          <button
            type="button"
            className="button"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? m.runs.loadingMore : m.runs.loadMore}
          </button>
        </p>
      ) : null}
      {list.isSuccess && !list.hasNextPage && runs.length > 0 ? (
        <p className="detail">{m.runs.end}</p>
      ) : null}
    </section>
  );
}
