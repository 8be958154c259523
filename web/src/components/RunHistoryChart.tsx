// The home overview's run history: outcomes per day with the median duration, and the
// durations of the latest finished runs. With no runs in the window it says so instead, and
// offers to create a job to whoever may.
import { useId } from 'react';
import { Link } from 'react-router';
import type { Overview } from '../api/overview';
import { useI18n } from '../i18n';
import { ChartLegend } from './ChartLegend';
import { DailyOutcomesChart } from './DailyOutcomesChart';
import { RunDurationsChart } from './RunDurationsChart';
import { useMeasuredWidth } from './useMeasuredWidth';

/** The width charts are drawn at before (or without) measuring their container. */
const kDefaultWidth = 640;

interface RunHistoryChartProps {
  overview: Overview;
  /** Whether to offer "Create a job" (the caller holds jobs.write). */
  canCreateJob: boolean;
}

export function RunHistoryChart({ overview, canCreateJob }: RunHistoryChartProps) {
  const { m } = useI18n();
  const headingId = useId();
  const [ref, width] = useMeasuredWidth<HTMLDivElement>(kDefaultWidth);
  const empty = overview.window.runs === 0 && overview.recent_runs.length === 0;
  return (
    <section className="card run-history" aria-labelledby={headingId}>
      <h2 id={headingId}>{m.overview.history}</h2>
      {empty ? (
        <div className="overview-empty" data-testid="overview-empty">
          <p>
            {overview.jobs.total === 0
              ? m.overview.noRunsYet
              : m.overview.noRunsWindow(overview.days)}
          </p>
          {canCreateJob ? (
            <Link className="button button-primary" to="/jobs">
              {m.overview.createJob}
            </Link>
          ) : null}
        </div>
      ) : (
        <>
          <p className="detail">{m.overview.historyLead(overview.days, overview.time_zone)}</p>
          <ChartLegend />
          <div ref={ref} className="chart-stack">
            <DailyOutcomesChart days={overview.daily} width={width} />
            <RunDurationsChart
              runs={overview.recent_runs}
              from={overview.window.from}
              to={overview.generated_at}
              width={width}
            />
          </div>
        </>
      )}
    </section>
  );
}
