// The latest finished runs as a scatter: x = when the run finished, y = how long it took,
// marker colour and shape by outcome. Each point's tooltip names the run and a click opens it;
// the points are left out of the tab order (the failures list and the Runs page are the
// keyboard's way to the runs) and screen readers get a summary as the image's name.
import type { MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import type { OverviewRun } from '../api/overview';
import { useI18n } from '../i18n';
import { durationTicks, linearScale } from './chartScale';
import { markerPath, outcomeOf } from './chartOutcomes';
import { formatDateTime, formatNumber } from './format';
import { formatDuration } from './overviewFormat';

const kHeight = 210;
const kMargin = { top: 30, right: 18, bottom: 46, left: 60 };
const kPixelsPerTimeLabel = 64;
const kDayMs = 86_400_000;

interface RunDurationsChartProps {
  runs: OverviewRun[];
  /** The window the x axis spans (RFC 3339): its first midnight and the overview's time. */
  from: string;
  to: string;
  width: number;
}

interface Point {
  run: OverviewRun;
  finishedMs: number;
  durationMs: number;
}

function pointsOf(runs: OverviewRun[]): Point[] {
  return runs.flatMap((run) => {
    const finishedMs = run.finished_at ? Date.parse(run.finished_at) : Number.NaN;
    if (Number.isNaN(finishedMs) || run.duration_ms === null) return [];
    return [{ run, finishedMs, durationMs: run.duration_ms }];
  });
}

/** Local midnights (the browser's zone) from `fromMs` to `toMs`, every `every` days. */
function midnights(fromMs: number, toMs: number, every: number): number[] {
  const day = new Date(fromMs);
  day.setHours(0, 0, 0, 0);
  if (day.getTime() < fromMs) day.setDate(day.getDate() + 1);
  const all: number[] = [];
  for (; day.getTime() <= toMs; day.setDate(day.getDate() + 1)) all.push(day.getTime());
  // Keep the newest one and every `every`-th before it.
  return all.filter((_, i) => (all.length - 1 - i) % every === 0);
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function RunDurationsChart({ runs, from, to, width }: RunDurationsChartProps) {
  const { m, language } = useI18n();
  const navigate = useNavigate();
  const points = pointsOf(runs);
  if (points.length === 0) {
    return (
      <p className="detail" data-testid="durations-empty">
        {m.overview.noDurations}
      </p>
    );
  }

  const plot = {
    left: kMargin.left,
    right: Math.max(kMargin.left + 1, width - kMargin.right),
    top: kMargin.top,
    bottom: kHeight - kMargin.bottom,
  };
  const fromMs = Math.min(Date.parse(from), ...points.map((p) => p.finishedMs));
  const toMs = Math.max(Date.parse(to), ...points.map((p) => p.finishedMs));
  const x = linearScale(fromMs, toMs, plot.left + 6, plot.right - 6);
  const durations = points.map((p) => p.durationMs).sort((a, b) => a - b);
  const axis = durationTicks(durations[durations.length - 1]!);
  const y = linearScale(0, axis[axis.length - 1]!, plot.bottom, plot.top);

  const spanDays = Math.max(1, Math.ceil((toMs - fromMs) / kDayMs));
  const maxLabels = Math.max(1, Math.floor((plot.right - plot.left) / kPixelsPerTimeLabel));
  const timeTicks = midnights(fromMs, toMs, Math.max(1, Math.ceil(spanDays / maxLabels)));
  const dayLabel = new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric' });

  const summary = m.overview.durationsSummary(
    formatNumber(language, points.length),
    formatDuration(language, durations[0]!),
    formatDuration(language, median(durations)),
    formatDuration(language, durations[durations.length - 1]!),
  );
  const open = (event: MouseEvent, path: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(path);
  };

  return (
    <figure className="chart">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${kHeight}`}
        width="100%"
        data-testid="durations-chart"
      >
        <text className="chart-axis-title" x={4} y={14}>
          {m.overview.durationAxis}
        </text>
        {axis.map((tick) => (
          <g key={tick}>
            <line className="chart-grid" x1={plot.left} x2={plot.right} y1={y(tick)} y2={y(tick)} />
            <text className="chart-tick" x={plot.left - 6} y={y(tick) + 4} textAnchor="end">
              {formatDuration(language, tick)}
            </text>
          </g>
        ))}
        {timeTicks.map((tick) => (
          <g key={tick}>
            <line
              className="chart-axis"
              x1={x(tick)}
              x2={x(tick)}
              y1={plot.bottom}
              y2={plot.bottom + 4}
            />
            <text className="chart-tick" x={x(tick)} y={plot.bottom + 16} textAnchor="middle">
              {dayLabel.format(tick)}
            </text>
          </g>
        ))}
        <line
          className="chart-axis"
          x1={plot.left}
          x2={plot.right}
          y1={plot.bottom}
          y2={plot.bottom}
        />
        {points.map(({ run, finishedMs, durationMs }) => {
          const outcome = outcomeOf(run.status);
          const path = `/runs/${encodeURIComponent(run.run_id)}`;
          const title = m.overview.runPoint(
            run.job_name,
            m.overview.statuses[run.status],
            formatDateTime(language, run.finished_at),
            formatDuration(language, durationMs),
          );
          return (
            <a
              key={run.run_id}
              href={path}
              tabIndex={-1}
              onClick={(event) => open(event, path)}
              data-testid="durations-point"
              data-outcome={outcome}
            >
              <title>{title}</title>
              <path
                className={`chart-point chart-fill-${outcome}`}
                d={markerPath(outcome, x(finishedMs), y(durationMs), 4)}
              />
            </a>
          );
        })}
        <text
          className="chart-axis-title"
          x={(plot.left + plot.right) / 2}
          y={kHeight - 6}
          textAnchor="middle"
        >
          {m.overview.finishedAxis}
        </text>
      </svg>
    </figure>
  );
}
