// The job editor's form: general fields, the type's own form (sql_export) or its JSON config,
// parameters and policies. Save creates the job (POST) or stores the next version on top of
// the one shown (PUT with `version`); a 422 shows beside the field it names.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Job, useCreateJob, useJobTypes, useUpdateJob } from '../../api/jobs';
import { jobFieldErrors } from '../../jobs/fieldErrors';
import {
  type JobDraft,
  definitionBody,
  draftOf,
  emptyDraft,
  kSqlExport,
} from '../../jobs/jobDraft';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { CheckboxField } from '../CheckboxField';
import { SelectField, TextField } from '../Field';
import { ConfigFieldsForm } from './ConfigFieldsForm';
import { JsonConfigField } from './JsonConfigField';
import { ParameterRows } from './ParameterRows';
import { PoliciesFields } from './PoliciesFields';
import { SqlExportFields } from './SqlExportFields';

/** The server's phrase as a sentence: capitalised, with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

interface JobFormProps {
  /** The job to edit; absent to create one. */
  job?: Job;
  onSaved: (job: Job, created: boolean) => void;
}

export function JobForm({ job, onSaved }: JobFormProps) {
  const { m } = useI18n();
  const t = m.jobs.editor;
  const types = useJobTypes();
  const create = useCreateJob();
  const update = useUpdateJob();
  const save = job ? update : create;
  const [draft, setDraft] = useState<JobDraft>(() => (job ? draftOf(job) : emptyDraft()));
  const [invalidConfig, setInvalidConfig] = useState(false);
  // The chosen type's described fields, when it has no form of its own (empty: JSON).
  const configFields = types.data?.find((type) => type.name === draft.type)?.config_fields ?? [];
  const formRef = useRef<HTMLFormElement>(null);
  const errors = jobFieldErrors(
    m,
    save.error,
    draft.type,
    draft.parameters.length,
    configFields.map((field) => field.name),
  );

  // After a refused save, the control it names gets the focus (its error is read with it).
  useEffect(() => {
    if (!save.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);

  const set = (change: Partial<JobDraft>) => setDraft((d) => ({ ...d, ...change }));
  const typeInfo = types.data?.find((type) => type.name === draft.type);
  const typeOptions = types.data?.map((type) => type.name) ?? [draft.type];
  if (!typeOptions.includes(draft.type)) typeOptions.unshift(draft.type);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = definitionBody(draft);
    setInvalidConfig(body === null);
    if (body === null) return;
    const done = (saved: Job) => {
      setDraft(draftOf(saved));
      onSaved(saved, !job);
    };
    if (job) {
      update.mutate({ id: job.id, body: { ...body, version: job.version } }, { onSuccess: done });
    } else {
      create.mutate({ ...body, enabled: draft.enabled }, { onSuccess: done });
    }
  };

  return (
    <form ref={formRef} className="job-form" onSubmit={submit} noValidate>
      <section className="card form" aria-labelledby="job-general">
        <h2 id="job-general">{t.general}</h2>
        <div className="form-grid">
          <TextField
            label={m.jobs.name}
            name="name"
            autoComplete="off"
            spellCheck={false}
            required
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            hint={t.nameHint}
            error={errors.at('name')}
          />
          <SelectField
            label={m.jobs.type}
            name="type"
            value={draft.type}
            disabled={job !== undefined}
            onChange={(e) => set({ type: e.target.value })}
            hint={[sentence(typeInfo?.description ?? ''), t.typeHint].filter(Boolean).join(' ')}
            error={errors.at('type')}
          >
            {typeOptions.map((name) => (
              <option key={name} value={name}>
                {m.jobs.typeNames[name] ? `${m.jobs.typeNames[name]} (${name})` : name}
              </option>
            ))}
          </SelectField>
        </div>
        <TextField
          label={`${t.description} ${m.common.optional}`}
          name="description"
          autoComplete="off"
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
          error={errors.at('description')}
        />
        <TextField
          label={`${m.jobs.tags} ${m.common.optional}`}
          name="tags"
          autoComplete="off"
          spellCheck={false}
          value={draft.tags}
          onChange={(e) => set({ tags: e.target.value })}
          hint={t.tagsHint}
          error={errors.at('tags')}
        />
        {job ? null : (
          <CheckboxField
            label={t.enabledOnCreate}
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
        )}
      </section>
      {draft.type === kSqlExport ? (
        <SqlExportFields
          draft={draft.sqlExport}
          onChange={(sqlExport) => set({ sqlExport })}
          errors={errors}
          declaredParameters={draft.parameters.map((p) => p.name.trim())}
        />
      ) : configFields.length > 0 ? (
        <ConfigFieldsForm
          fields={configFields}
          configText={draft.configText}
          onChange={(configText) => set({ configText })}
          errorAt={(path) => errors.at(`config.${path}`)}
        />
      ) : (
        <JsonConfigField
          value={draft.configText}
          onChange={(configText) => set({ configText })}
          error={errors.at('config')}
        />
      )}
      <ParameterRows
        parameters={draft.parameters}
        onChange={(parameters) => set({ parameters })}
        errors={errors}
      />
      <PoliciesFields
        policies={draft.policies}
        onChange={(policies) => set({ policies })}
        errors={errors}
      />
      <div className="form-footer">
        <ErrorAlert>{invalidConfig ? t.invalidConfig : errors.form}</ErrorAlert>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending
              ? job
                ? m.common.saving
                : t.creating
              : job
                ? t.save
                : t.create}
          </button>
        </div>
      </div>
    </form>
  );
}
