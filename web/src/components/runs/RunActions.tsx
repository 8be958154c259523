import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type Run, isActive, useCancelRun, useRerunRun } from '../../api/runs';
import { hasPermission, kPermission } from '../../auth/permissions';
import { useSignedIn } from '../../auth/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../errors';

/**
 * Cancel (while queued or running, after a confirmation) and "Run again" (once finished,
 * opening the new run). Shown only to users with runs.trigger; the server decides.
 */
export function RunActions({ run }: { run: Run }) {
  const { m } = useI18n();
  const me = useSignedIn();
  const navigate = useNavigate();
  const cancel = useCancelRun();
  const rerun = useRerunRun();
  const [confirming, setConfirming] = useState(false);
  if (!hasPermission(me, kPermission.runsTrigger)) return null;
  const active = isActive(run.status);

  return (
    <>
      <div className="row-actions">
        {active ? (
          <button
            type="button"
            className="button button-danger"
            disabled={run.cancel_requested || cancel.isPending}
            onClick={() => {
              cancel.reset();
              setConfirming(true);
            }}
          >
            {run.cancel_requested ? m.runs.cancelRequestedShort : m.runs.cancel}
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            disabled={rerun.isPending}
            onClick={() =>
              rerun.mutate(run.id, {
                onSuccess: (next) => navigate(`/runs/${encodeURIComponent(next.id)}`),
              })
            }
          >
            {rerun.isPending ? m.runs.rerunning : m.runs.rerun}
          </button>
        )}
      </div>
      <ErrorAlert>{rerun.isError ? errorText(m, rerun.error) : null}</ErrorAlert>
      {confirming ? (
        <ConfirmDialog
          title={m.runs.cancelTitle(run.job_name)}
          body={m.runs.cancelBody}
          confirmLabel={m.runs.cancelConfirm}
          danger
          pending={cancel.isPending}
          error={cancel.isError ? errorText(m, cancel.error) : null}
          onClose={() => setConfirming(false)}
          onConfirm={() => cancel.mutate(run.id, { onSuccess: () => setConfirming(false) })}
        />
      ) : null}
    </>
  );
}
