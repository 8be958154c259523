// The home page's overview: figures, recent failures, upcoming fires and the run history,
// from one GET /api/v1/overview that refreshes itself every 30 seconds while shown. When a
// refresh fails the last overview stays on screen under the error.
import { kOverviewDays, useOverview } from '../api/overview';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { useI18n } from '../i18n';
import { ErrorAlert } from './Alert';
import { errorText } from './errors';
import { formatDateTime } from './format';
import { OverviewStats } from './OverviewStats';
import { RecentFailures } from './RecentFailures';
import { RunHistoryChart } from './RunHistoryChart';
import { UpcomingFires } from './UpcomingFires';

export function HomeOverview() {
  const { m, language } = useI18n();
  const me = useSignedIn();
  const overview = useOverview(kOverviewDays);
  const data = overview.data;
  // Relative times count from when the server made the overview, not from the browser clock.
  const nowMs = data ? Date.parse(data.generated_at) : 0;
  return (
    <section className="overview" aria-label={m.overview.title} data-testid="overview">
      {data ? (
        <p className="detail overview-updated" data-testid="overview-updated">
          {m.overview.updated(formatDateTime(language, data.generated_at))}
        </p>
      ) : null}
      {overview.isPending ? <p role="status">{m.common.loading}</p> : null}
      {overview.isError ? (
        <div className="overview-error-row">
          <ErrorAlert>{errorText(m, overview.error)}</ErrorAlert>
          <button
            type="button"
            className="button button-small"
            disabled={overview.isFetching}
            onClick={() => void overview.refetch()}
          >
            {m.common.retry}
          </button>
        </div>
      ) : null}
      {data ? (
        <>
          <OverviewStats overview={data} />
          <div className="overview-lists">
            <RecentFailures runs={data.recent_failures} nowMs={nowMs} />
            <UpcomingFires fires={data.upcoming_fires} nowMs={nowMs} />
          </div>
          <RunHistoryChart
            overview={data}
            canCreateJob={hasPermission(me, kPermission.jobsWrite)}
          />
        </>
      ) : null}
    </section>
  );
}
