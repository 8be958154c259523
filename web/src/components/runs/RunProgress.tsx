import { useId } from 'react';
import type { Run } from '../../api/runs';
import { useI18n } from '../../i18n';
import { formatNumber } from '../format';
import { progressView } from './runFormat';

/**
 * A progress bar while the run is running, from its `progress` (kept current by the event
 * stream). A runner that knows its end fills the bar; one that counts rows (sql_export)
 * shows a moving bar with the rows so far.
 */
export function RunProgress({ run }: { run: Run }) {
  const { m, language } = useI18n();
  const id = useId();
  if (run.status !== 'running') return null;
  const view = progressView(run.progress);
  const text =
    view.rows !== null
      ? (view.done ? m.runs.progressDone : m.runs.progressRows)(formatNumber(language, view.rows))
      : view.fraction !== null
        ? m.runs.progressPercent(Math.round(view.fraction * 100))
        : m.runs.progressRunning;
  return (
    <div className="card run-progress" data-testid="run-progress">
      <p id={id} className="run-progress-text">
        {text}
      </p>
      {view.fraction !== null ? (
        <progress aria-labelledby={id} max={1} value={view.fraction} />
      ) : (
        <progress aria-labelledby={id} />
      )}
    </div>
  );
}
