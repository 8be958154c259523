// The key of the run charts: each outcome's colour and marker, and the median-duration line.
// Decorative for screen readers, which get the charts' own summaries and table instead.
import { useI18n } from '../i18n';
import { kOutcomes, markerPath } from './chartOutcomes';

export function ChartLegend() {
  const { m } = useI18n();
  return (
    <ul className="chart-legend" aria-hidden="true">
      {kOutcomes.map((outcome) => (
        <li key={outcome}>
          <svg viewBox="0 0 12 12" width="12" height="12">
            <path className={`chart-fill-${outcome}`} d={markerPath(outcome, 6, 6, 4.5)} />
          </svg>
          {m.overview.outcomes[outcome]}
        </li>
      ))}
      <li>
        <svg viewBox="0 0 18 12" width="18" height="12">
          <line className="chart-median-line" x1="1" y1="6" x2="17" y2="6" />
          <circle className="chart-median-dot" cx="9" cy="6" r="3" />
        </svg>
        {m.overview.median}
      </li>
    </ul>
  );
}
