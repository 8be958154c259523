import { type FormEvent, useState } from 'react';
import { type RunFilters, kRunStatuses, useJobChoices } from '../../api/runs';
import { useI18n } from '../../i18n';
import { formErrors } from '../errors';
import { SelectField, TextField } from '../Field';
import {
  type FilterDraft,
  type FilterName,
  draftFromFilters,
  filtersFromDraft,
  kFilterNames,
  kTriggers,
} from './runFilters';

interface RunFiltersFormProps {
  /** The filters in effect (from the address); the form starts from them. */
  filters: RunFilters;
  /** The list's failure: a 422 naming a filter is shown under that control. */
  error: unknown;
  onApply: (filters: RunFilters) => void;
}

/**
 * The runs list's filters: job, status, trigger and a queued-time range. Nothing applies
 * until "Apply"; "Clear" drops every filter. Remount it (key) when the address changes.
 */
export function RunFiltersForm({ filters, error, onApply }: RunFiltersFormProps) {
  const { m } = useI18n();
  const jobs = useJobChoices();
  const [draft, setDraft] = useState<FilterDraft>(() => draftFromFilters(filters));
  const set = (name: FilterName) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const fieldErrors = formErrors(m, error, kFilterNames).field;
  const choices = jobs.data ?? [];
  // A job given in the address but not among the choices (one of many jobs) still shows.
  const unlisted = draft.job_id && !choices.some((job) => job.id === draft.job_id);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(filtersFromDraft(draft));
  };

  return (
    <form className="card filters" onSubmit={apply} aria-label={m.runs.filters}>
      <SelectField
        label={m.runs.job}
        name="job_id"
        value={draft.job_id}
        error={fieldErrors.job_id}
        onChange={(e) => set('job_id')(e.target.value)}
      >
        <option value="">{m.runs.anyJob}</option>
        {unlisted ? <option value={draft.job_id}>{draft.job_id}</option> : null}
        {choices.map((job) => (
          <option key={job.id} value={job.id}>
            {job.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={m.runs.status}
        name="status"
        value={draft.status}
        error={fieldErrors.status}
        onChange={(e) => set('status')(e.target.value)}
      >
        <option value="">{m.runs.anyStatus}</option>
        {kRunStatuses.map((status) => (
          <option key={status} value={status}>
            {m.runs.statuses[status]}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={m.runs.trigger}
        name="trigger"
        value={draft.trigger}
        error={fieldErrors.trigger}
        onChange={(e) => set('trigger')(e.target.value)}
      >
        <option value="">{m.runs.anyTrigger}</option>
        {kTriggers.map((trigger) => (
          <option key={trigger} value={trigger}>
            {m.runs.triggers[trigger]}
          </option>
        ))}
      </SelectField>
      <TextField
        label={m.runs.from}
        name="from"
        type="datetime-local"
        value={draft.from}
        error={fieldErrors.from}
        onChange={(e) => set('from')(e.target.value)}
      />
      <TextField
        label={m.runs.to}
        name="to"
        type="datetime-local"
        value={draft.to}
        error={fieldErrors.to}
        onChange={(e) => set('to')(e.target.value)}
      />
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          {m.runs.apply}
        </button>
        <button type="button" className="button" onClick={() => onApply({})}>
          {m.runs.clear}
        </button>
      </div>
    </form>
  );
}
