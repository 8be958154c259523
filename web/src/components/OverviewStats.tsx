// The home overview's figures: jobs, today's runs, the window's runs and its success rate.
import type { Overview } from '../api/overview';
import { useI18n } from '../i18n';
import { formatNumber } from './format';
import { formatPercent } from './overviewFormat';
import { StatCard } from './StatCard';

export function OverviewStats({ overview }: { overview: Overview }) {
  const { m, language } = useI18n();
  const n = (value: number) => formatNumber(language, value);
  const { jobs, today, window, days } = overview;
  const rate = window.success_rate;
  return (
    <dl className="stat-grid" data-testid="overview-stats">
      <StatCard
        testId="stat-jobs"
        label={m.overview.jobs}
        value={n(jobs.total)}
        detail={m.overview.jobsEnabled(n(jobs.enabled))}
      />
      <StatCard
        testId="stat-today"
        label={m.overview.runsToday}
        value={n(today.runs)}
        detail={m.overview.todayDetail(n(today.succeeded), n(today.failed), n(today.running))}
      />
      <StatCard
        testId="stat-success-rate"
        label={m.overview.successRate}
        value={rate === null ? m.overview.noRate : formatPercent(language, rate)}
        detail={rate === null ? m.overview.noRateDetail : m.overview.rateDetail(days)}
      />
      <StatCard
        testId="stat-window"
        label={m.overview.windowRuns(days)}
        value={n(window.runs)}
        detail={m.overview.windowDetail(n(window.finished))}
      />
    </dl>
  );
}
