// Runs per day as stacked bars of outcomes (count axis on the left) with the day's median
// duration as a line with markers (duration axis on the right). Drawn at `width` user units,
// one per CSS pixel, so its text keeps its size. Screen readers get a summary as the image's
// name and every day's figures in a visually hidden table.
import type { OverviewDay } from '../api/overview';
import { useI18n } from '../i18n';
import { countTicks, durationTicks, linearScale } from './chartScale';
import { kOutcomes } from './chartOutcomes';
import { formatNumber } from './format';
import { formatDay, formatDuration } from './overviewFormat';

const kHeight = 230;
const kMargin = { top: 30, right: 60, bottom: 46, left: 44 };
/** Below this many pixels per label the day labels are thinned out. */
const kPixelsPerDayLabel = 58;

interface DailyOutcomesChartProps {
  days: OverviewDay[];
  width: number;
}

function total(day: OverviewDay): number {
  return day.succeeded + day.failed + day.cancelled + day.other;
}

export function DailyOutcomesChart({ days, width }: DailyOutcomesChartProps) {
  const { m, language } = useI18n();
  const n = (value: number) => formatNumber(language, value);
  const plot = {
    left: kMargin.left,
    right: Math.max(kMargin.left + 1, width - kMargin.right),
    top: kMargin.top,
    bottom: kHeight - kMargin.bottom,
  };
  const plotWidth = plot.right - plot.left;

  const countAxis = countTicks(Math.max(0, ...days.map(total)));
  const countTop = countAxis[countAxis.length - 1]!;
  const y = linearScale(0, countTop, plot.bottom, plot.top);
  const medians = days.flatMap((day) =>
    day.p50_duration_ms === null ? [] : [day.p50_duration_ms],
  );
  const durationAxis = durationTicks(Math.max(0, ...medians));
  const yDuration = linearScale(0, durationAxis[durationAxis.length - 1]!, plot.bottom, plot.top);

  const band = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(band * 0.7, 40));
  const center = (i: number) => plot.left + band * (i + 0.5);
  const maxLabels = Math.max(1, Math.floor(plotWidth / kPixelsPerDayLabel));
  const labelEvery = Math.max(1, Math.ceil(days.length / maxLabels));
  // Count from the last day so today always has its label.
  const labelled = (i: number) => (days.length - 1 - i) % labelEvery === 0;

  let medianPath = '';
  days.forEach((day, i) => {
    if (day.p50_duration_ms === null) return;
    const joined = i > 0 && days[i - 1]!.p50_duration_ms !== null;
    const point = `${center(i).toFixed(1)},${yDuration(day.p50_duration_ms).toFixed(1)}`;
    medianPath += `${joined ? 'L' : 'M'}${point}`;
  });

  const sums = kOutcomes.map((outcome) => days.reduce((sum, day) => sum + day[outcome], 0));
  const summary = m.overview.dailySummary(
    days.length,
    n(sums.reduce((a, b) => a + b, 0)),
    n(sums[0]!),
    n(sums[1]!),
  );
  const dayTitle = (day: OverviewDay) => {
    const counts = kOutcomes.map((o) => `${m.overview.outcomes[o]}: ${n(day[o])}`).join(', ');
    const median =
      day.p50_duration_ms === null
        ? ''
        : `; ${m.overview.median}: ${formatDuration(language, day.p50_duration_ms)}`;
    return `${formatDay(language, day.date, true)} — ${counts}${median}`;
  };

  return (
    <figure className="chart">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${kHeight}`}
        width="100%"
        data-testid="daily-chart"
      >
        <text className="chart-axis-title" x={4} y={14}>
          {m.overview.runsAxis}
        </text>
        <text className="chart-axis-title chart-median-title" x={width - 4} y={14} textAnchor="end">
          {m.overview.median}
        </text>
        {countAxis.map((tick) => (
          <g key={tick}>
            <line className="chart-grid" x1={plot.left} x2={plot.right} y1={y(tick)} y2={y(tick)} />
            <text className="chart-tick" x={plot.left - 6} y={y(tick) + 4} textAnchor="end">
              {n(tick)}
            </text>
          </g>
        ))}
        {durationAxis.map((tick) => (
          <text
            key={tick}
            className="chart-tick"
            x={plot.right + 6}
            y={yDuration(tick) + 4}
            data-testid="daily-duration-tick"
          >
            {formatDuration(language, tick)}
          </text>
        ))}
        {days.map((day, i) => {
          let base = 0;
          return (
            <g key={day.date} data-testid="daily-bar" data-date={day.date}>
              <title>{dayTitle(day)}</title>
              <rect
                className="chart-hit"
                x={plot.left + band * i}
                y={plot.top}
                width={band}
                height={plot.bottom - plot.top}
              />
              {kOutcomes.map((outcome) => {
                const count = day[outcome];
                if (count === 0) return null;
                const top = y(base + count);
                const height = y(base) - top;
                base += count;
                return (
                  <rect
                    key={outcome}
                    className={`chart-fill-${outcome}`}
                    data-outcome={outcome}
                    x={center(i) - barWidth / 2}
                    y={top}
                    width={barWidth}
                    height={height}
                  />
                );
              })}
              {labelled(i) ? (
                <text className="chart-tick" x={center(i)} y={plot.bottom + 16} textAnchor="middle">
                  {formatDay(language, day.date)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line
          className="chart-axis"
          x1={plot.left}
          x2={plot.right}
          y1={plot.bottom}
          y2={plot.bottom}
        />
        {medianPath ? <path className="chart-median-line" d={medianPath} /> : null}
        {days.map((day, i) =>
          day.p50_duration_ms === null ? null : (
            <circle
              key={day.date}
              className="chart-median-dot"
              data-testid="daily-median"
              cx={center(i)}
              cy={yDuration(day.p50_duration_ms)}
              r={3.5}
            />
          ),
        )}
        <text
          className="chart-axis-title"
          x={(plot.left + plot.right) / 2}
          y={kHeight - 6}
          textAnchor="middle"
        >
          {m.overview.dayAxis}
        </text>
      </svg>
      {/* Wrapped: a table grows to its content, so it cannot be made 1 px wide itself. */}
      <div className="visually-hidden">
        <table data-testid="daily-table">
          <caption>{m.overview.dailyChart}</caption>
          <thead>
            <tr>
              <th scope="col">{m.overview.day}</th>
              {kOutcomes.map((outcome) => (
                <th key={outcome} scope="col">
                  {m.overview.outcomes[outcome]}
                </th>
              ))}
              <th scope="col">{m.overview.median}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.date}>
                <th scope="row">{formatDay(language, day.date, true)}</th>
                {kOutcomes.map((outcome) => (
                  <td key={outcome}>{n(day[outcome])}</td>
                ))}
                <td>
                  {day.p50_duration_ms === null
                    ? '—'
                    : formatDuration(language, day.p50_duration_ms)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
