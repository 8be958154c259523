// The job's enable switch (POST /jobs/{id}/enable or /disable). Only for people who may
// change jobs; everyone else sees the state as text (JobState).
import { type Job, useDisableJob, useEnableJob } from '../../api/jobs';
import { useI18n } from '../../i18n';
import { errorText } from '../errors';

export function JobState({ job }: { job: Job }) {
  const { m } = useI18n();
  return (
    <span className={job.enabled ? 'status status-good' : 'status'}>
      {job.enabled ? m.jobs.enabled : m.jobs.disabled}
    </span>
  );
}

export function JobEnabledSwitch({ job, onDone }: { job: Job; onDone: (text: string) => void }) {
  const { m } = useI18n();
  const enable = useEnableJob();
  const disable = useDisableJob();
  const pending = enable.isPending || disable.isPending;
  const failure = enable.error ?? disable.error;
  const change = (on: boolean) => {
    const mutation = on ? enable : disable;
    (on ? disable : enable).reset();
    mutation.mutate(job.id, {
      onSuccess: (saved) =>
        onDone(
          saved.enabled ? m.jobs.enabledNotice(saved.name) : m.jobs.disabledNotice(saved.name),
        ),
    });
  };
  return (
    <span className="switch-cell">
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={job.enabled}
          disabled={pending}
          onChange={(e) => change(e.target.checked)}
        />
        <span>{m.jobs.switchLabel}</span>
        <span className="visually-hidden"> {job.name}</span>
      </label>
      {failure ? (
        <span role="alert" className="field-error">
          {errorText(m, failure)}
        </span>
      ) : null}
    </span>
  );
}
