// The schedule builder: a cron expression typed (with its meaning in words as it is typed) or
// made from weekday/hour/minute checkboxes, a time zone, the misfire policy; the next fire
// times come from the server's preview. Saves with POST /jobs/{id}/schedules or PUT
// /schedules/{id}; a 422 shows at the field it names.
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { type Schedule, useCreateSchedule, useUpdateSchedule } from '../../api/schedules';
import { cronToSelection, selectionToCron } from '../../jobs/cronPicker';
import {
  type ScheduleDraft,
  type ScheduleMode,
  kMisfirePolicies,
  newScheduleDraft,
  scheduleBody,
  scheduleDraftOf,
} from '../../jobs/scheduleDraft';
import { browserTimeZone, timeZones, withZone } from '../../jobs/timeZones';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { CheckboxField } from '../CheckboxField';
import { Dialog } from '../Dialog';
import { errorText } from '../errors';
import { SelectField, TextField } from '../Field';
import { CronPicker } from './CronPicker';
import { SchedulePreview, useScheduleMeaning } from './SchedulePreview';

/** The builder's controls by the members the API names in a 422. */
function controlOfMember(field: string): 'cron' | 'timezone' | 'misfire' | 'max' | 'window' | null {
  if (field === 'cron' || field === 'weekdays' || field === 'times') return 'cron';
  if (field === 'timezone') return 'timezone';
  if (field === 'misfire' || field === 'misfire.policy') return 'misfire';
  if (field === 'misfire.max') return 'max';
  if (field === 'misfire.window_seconds') return 'window';
  return null;
}

interface ScheduleDialogProps {
  jobId: string;
  /** The schedule to edit; absent to add one. */
  schedule?: Schedule;
  onClose: () => void;
  onSaved: (text: string) => void;
}

export function ScheduleDialog({ jobId, schedule, onClose, onSaved }: ScheduleDialogProps) {
  const { m } = useI18n();
  const t = m.jobs.schedules;
  const create = useCreateSchedule(jobId);
  const update = useUpdateSchedule(jobId);
  const save = schedule ? update : create;
  const [draft, setDraft] = useState<ScheduleDraft>(() =>
    schedule ? scheduleDraftOf(schedule, browserTimeZone()) : newScheduleDraft(browserTimeZone()),
  );
  const [pickerNote, setPickerNote] = useState(false);
  const meaning = useScheduleMeaning(draft);
  const set = (change: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...change }));

  const saveError = save.error instanceof ApiError ? save.error : null;
  const saveControl = saveError?.field ? controlOfMember(saveError.field) : null;
  const previewControl = meaning.serverProblem
    ? controlOfMember(meaning.serverProblem.field)
    : null;
  const errorAt = (control: NonNullable<ReturnType<typeof controlOfMember>>) => {
    if (control === 'cron' && meaning.cronProblem) return meaning.cronProblem;
    if (saveControl === control) return saveError?.message;
    if (previewControl === control) return meaning.serverProblem?.message;
    return undefined;
  };
  const formError = save.error && !saveControl ? errorText(m, save.error) : null;

  const switchMode = (mode: ScheduleMode) => {
    if (mode === draft.mode) return;
    if (mode === 'picker') {
      const selection = cronToSelection(draft.cron);
      setPickerNote(selection === null && draft.cron.trim() !== '');
      set({ mode, picker: selection ?? { weekdays: [], hours: [], minutes: [] }, keptSpec: null });
    } else {
      setPickerNote(false);
      set({ mode, cron: selectionToCron(draft.picker) ?? draft.cron, keptSpec: null });
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = scheduleBody(draft);
    if (!body || meaning.cronProblem) return;
    if (schedule) {
      update.mutate({ id: schedule.id, body }, { onSuccess: () => onSaved(t.updated) });
    } else {
      create.mutate(body, { onSuccess: () => onSaved(t.created) });
    }
  };

  const pickerCron = selectionToCron(draft.picker);
  return (
    <Dialog title={schedule ? t.editTitle : t.newTitle} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t.how}</legend>
          {(['cron', 'picker'] as const).map((mode) => (
            <label key={mode}>
              <input
                type="radio"
                name="schedule-mode"
                checked={draft.mode === mode}
                onChange={() => switchMode(mode)}
              />
              {mode === 'cron' ? t.modeCron : t.modePicker}
            </label>
          ))}
        </fieldset>
        {draft.keptSpec ? (
          <p className="alert alert-warning">{t.keptSpec(meaning.serverMeaning ?? '…')}</p>
        ) : null}
        {draft.mode === 'cron' ? (
          <TextField
            label={t.cron}
            name="cron"
            className="mono"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={draft.cron}
            onChange={(e) => set({ cron: e.target.value, keptSpec: null })}
            hint={t.cronHint}
            error={draft.keptSpec ? undefined : errorAt('cron')}
          />
        ) : (
          <>
            {pickerNote ? <p className="field-hint">{t.pickerCannotShow}</p> : null}
            <CronPicker selection={draft.picker} onChange={(picker) => set({ picker })} />
            <p className="field-hint" data-testid="picker-cron" aria-live="polite">
              {pickerCron ? (
                <>
                  {t.pickerCron}: <code>{pickerCron}</code>
                </>
              ) : (
                t.pickerIncomplete
              )}
            </p>
            {errorAt('cron') ? <p className="field-error">{errorAt('cron')}</p> : null}
          </>
        )}
        <SelectField
          label={t.timezone}
          name="timezone"
          value={draft.timezone}
          onChange={(e) => set({ timezone: e.target.value })}
          error={errorAt('timezone')}
        >
          {withZone(timeZones(), draft.timezone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <SchedulePreview meaning={meaning} timezone={draft.timezone} />
        <SelectField
          label={t.misfire}
          name="misfire.policy"
          value={draft.misfire}
          onChange={(e) =>
            set({ misfire: kMisfirePolicies.find((p) => p === e.target.value) ?? 'skip' })
          }
          error={errorAt('misfire')}
        >
          {kMisfirePolicies.map((policy) => (
            <option key={policy} value={policy}>
              {t.misfires[policy] ?? policy}
            </option>
          ))}
        </SelectField>
        {draft.misfire === 'catch_up' ? (
          <div className="form-grid">
            <TextField
              label={`${t.catchUpMax} ${m.common.optional}`}
              name="misfire.max"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={draft.catchUpMax}
              onChange={(e) => set({ catchUpMax: e.target.value })}
              error={errorAt('max')}
            />
            <TextField
              label={`${t.catchUpWindow} ${m.common.optional}`}
              name="misfire.window_seconds"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              value={draft.catchUpWindowSeconds}
              onChange={(e) => set({ catchUpWindowSeconds: e.target.value })}
              error={errorAt('window')}
            />
          </div>
        ) : null}
        <CheckboxField
          label={t.enabled}
          checked={draft.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        <ErrorAlert>{formError}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? m.common.saving : t.save}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
