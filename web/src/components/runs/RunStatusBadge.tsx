import type { RunStatus } from '../../api/runs';
import { useI18n } from '../../i18n';

const kStatusClass: Record<RunStatus, string> = {
  queued: 'status run-status-queued',
  running: 'status run-status-running',
  succeeded: 'status status-good',
  failed: 'status status-bad',
  timed_out: 'status status-bad',
  cancelled: 'status run-status-cancelled',
};

/**
 * A run's status as a coloured badge, in the page's language. `data-status` carries the API's
 * value (e.g. "succeeded") for tests and styling.
 */
export function RunStatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  const { m } = useI18n();
  return (
    <span className={kStatusClass[status]} data-status={status} data-testid={testId}>
      {m.runs.statuses[status]}
    </span>
  );
}
