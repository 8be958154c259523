// "Run now": queues a run of the job (POST /jobs/{id}/runs) and opens its page. A job that
// declares parameters asks for them first, in a dialog with an input per parameter type,
// defaults filled in and required ones marked; a 422 names "parameters.<name>".
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { type Job, type Run, useRunJob } from '../../api/jobs';
import { type ParameterSpec, typedValue } from '../../jobs/jobDraft';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { Dialog } from '../Dialog';
import { errorText } from '../errors';
import { ValueInput } from './ParameterRows';

/** The page of a run (written by the Runs pages). */
export function runPath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

function defaultText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The request's parameters: the typed values, with empty inputs left out (defaults apply). */
export function runParameters(
  specs: ParameterSpec[],
  values: Record<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const text = values[spec.name] ?? '';
    if (text !== '') out[spec.name] = typedValue(spec.type ?? 'string', text);
  }
  return out;
}

function RunDialog({
  job,
  onClose,
  onStarted,
}: {
  job: Job;
  onClose: () => void;
  onStarted: (run: Run) => void;
}) {
  const { m } = useI18n();
  const t = m.jobs.run;
  const run = useRunJob();
  const specs = job.parameters ?? [];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(specs.map((spec) => [spec.name, defaultText(spec.default)])),
  );
  const failed = run.error instanceof ApiError ? run.error : null;
  const fieldError = (name: string) =>
    failed?.field === `parameters.${name}` ? failed.message : undefined;
  const named = specs.some((spec) => failed?.field === `parameters.${spec.name}`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run.mutate(
      { id: job.id, parameters: runParameters(specs, values) },
      { onSuccess: onStarted },
    );
  };
  return (
    <Dialog title={t.title(job.name)} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="field-hint">{t.lead}</p>
        {specs.map((spec) => (
          <ValueInput
            key={spec.name}
            type={spec.type ?? 'string'}
            label={spec.required ? `${spec.name} ${t.required}` : spec.name}
            name={`parameters.${spec.name}`}
            required={spec.required}
            value={values[spec.name] ?? ''}
            onChange={(value) => setValues((v) => ({ ...v, [spec.name]: value }))}
            hint={
              [
                spec.description,
                spec.default !== undefined && spec.default !== null
                  ? t.defaultHint(defaultText(spec.default))
                  : null,
              ]
                .filter(Boolean)
                .join(' ') || undefined
            }
            error={fieldError(spec.name)}
          />
        ))}
        <ErrorAlert>{run.isError && !named ? errorText(m, run.error) : null}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={run.isPending}>
            {run.isPending ? m.jobs.starting : t.start}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The button; `withName` adds the job's name for screen readers ("Run now nightly"), for
 * lists where many such buttons sit side by side.
 */
export function RunNowButton({ job, withName = false }: { job: Job; withName?: boolean }) {
  const { m } = useI18n();
  const navigate = useNavigate();
  const run = useRunJob();
  const [asking, setAsking] = useState(false);
  const started = (created: Run) => navigate(runPath(created.id));
  const hasParameters = (job.parameters ?? []).length > 0;
  const click = () => {
    if (hasParameters) setAsking(true);
    else run.mutate({ id: job.id, parameters: {} }, { onSuccess: started });
  };
  return (
    <>
      <button
        type="button"
        className="button button-small"
        disabled={run.isPending}
        aria-haspopup={hasParameters ? 'dialog' : undefined}
        onClick={click}
      >
        {run.isPending ? m.jobs.starting : m.jobs.runNow}
        {withName ? <span className="visually-hidden"> {job.name}</span> : null}
      </button>
      {run.isError ? (
        <span role="alert" className="field-error">
          {errorText(m, run.error)}
        </span>
      ) : null}
      {asking ? (
        <RunDialog job={job} onClose={() => setAsking(false)} onStarted={started} />
      ) : null}
    </>
  );
}
