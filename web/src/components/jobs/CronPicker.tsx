// Weekdays, hours and minutes as checkboxes; the schedule builder turns the choice into a cron
// expression (cronPicker.ts). Each set is a labelled group, so "06" reads as "Hours, 06".
import { useId } from 'react';
import {
  type PickerSelection,
  kPickerHours,
  kPickerMinutes,
  kPickerWeekdays,
} from '../../jobs/cronPicker';
import { useI18n } from '../../i18n';

function toggle(values: number[], value: number, on: boolean): number[] {
  const rest = values.filter((v) => v !== value);
  return on ? [...rest, value].sort((a, b) => a - b) : rest;
}

function CheckGroup({
  legend,
  hint,
  options,
  label,
  chosen,
  onChange,
  name,
  wide = false,
}: {
  legend: string;
  hint?: string;
  options: number[];
  label: (value: number) => string;
  chosen: number[];
  onChange: (values: number[]) => void;
  name: string;
  /** Room for words (weekday names) rather than two digits. */
  wide?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className="check-grid-field" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      <div className={wide ? 'check-grid check-grid-wide' : 'check-grid'}>
        {options.map((value) => (
          <label key={value} className="check-chip">
            <input
              type="checkbox"
              name={name}
              value={value}
              checked={chosen.includes(value)}
              onChange={(e) => onChange(toggle(chosen, value, e.target.checked))}
            />
            <span>{label(value)}</span>
          </label>
        ))}
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}

export function CronPicker({
  selection,
  onChange,
}: {
  selection: PickerSelection;
  onChange: (selection: PickerSelection) => void;
}) {
  const { m } = useI18n();
  const t = m.jobs.schedules;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    <div className="cron-picker">
      <CheckGroup
        legend={t.weekdays}
        hint={t.weekdaysHint}
        name="weekdays"
        wide
        options={kPickerWeekdays}
        label={(day) => t.weekdayNames[day] ?? String(day)}
        chosen={selection.weekdays}
        onChange={(weekdays) => onChange({ ...selection, weekdays })}
      />
      <CheckGroup
        legend={t.hours}
        name="hours"
        options={kPickerHours}
        label={pad}
        chosen={selection.hours}
        onChange={(hours) => onChange({ ...selection, hours })}
      />
      <CheckGroup
        legend={t.minutes}
        name="minutes"
        options={kPickerMinutes}
        label={(minute) => `:${pad(minute)}`}
        chosen={selection.minutes}
        onChange={(minutes) => onChange({ ...selection, minutes })}
      />
    </div>
  );
}
