// The CSV options of a sql_export job, with a button per preset that sets them all at once
// ("Excel (Brasil)": what Excel in Brazil opens as columns).
import { useId } from 'react';
import type { FieldErrors } from '../../jobs/fieldErrors';
import {
  type CsvDraft,
  type CsvOption,
  type CsvPreset,
  applyPreset,
  kCsvEncodings,
  matchingPreset,
} from '../../jobs/csvOptions';
import { useI18n } from '../../i18n';
import { CheckboxField } from '../CheckboxField';
import { SelectField, TextField } from '../Field';

export function CsvOptionsFields({
  csv,
  onChange,
  errors,
}: {
  csv: CsvDraft;
  onChange: (csv: CsvDraft) => void;
  errors: FieldErrors;
}) {
  const { m } = useI18n();
  const id = useId();
  const t = m.jobs.csv;
  const presetName = (preset: CsvPreset) => (preset === 'excel_br' ? t.excelBr : t.rfc4180);
  const matching = matchingPreset(csv);
  const set = <K extends CsvOption>(key: K, value: CsvDraft[K]) =>
    onChange({ ...csv, [key]: value });
  const at = (option: CsvOption) => errors.at(`config.csv.${option}`);
  const text = (option: CsvOption, label: string, hint?: string) => (
    <TextField
      label={label}
      name={`config.csv.${option}`}
      autoComplete="off"
      spellCheck={false}
      value={String(csv[option])}
      onChange={(e) => set(option, e.target.value as never)}
      hint={hint}
      error={at(option)}
    />
  );
  return (
    <fieldset className="card form" aria-describedby={`${id}-state`}>
      <legend className="card-legend">{t.title}</legend>
      <div className="field">
        <span className="field-label" id={`${id}-presets`}>
          {t.presets}
        </span>
        <div className="button-row" role="group" aria-labelledby={`${id}-presets`}>
          {(['excel_br', 'rfc4180'] as const).map((preset) => (
            <button
              key={preset}
              type="button"
              className="button"
              aria-pressed={matching === preset}
              onClick={() => onChange(applyPreset(csv, preset))}
            >
              {presetName(preset)}
            </button>
          ))}
        </div>
        <p className="field-hint">{t.presetHint}</p>
        <p className="field-hint" id={`${id}-state`} data-testid="csv-preset-state">
          {matching ? t.matches(presetName(matching)) : t.custom(presetName(csv.preset))}
        </p>
        {at('preset') ? <p className="field-error">{at('preset')}</p> : null}
      </div>
      <div className="form-grid">
        {text('delimiter', t.delimiter)}
        {text('quote', t.quote)}
        <SelectField
          label={t.decimal}
          name="config.csv.decimal_separator"
          value={csv.decimal_separator}
          onChange={(e) => set('decimal_separator', e.target.value === ',' ? ',' : '.')}
          error={at('decimal_separator')}
        >
          <option value=".">.</option>
          <option value=",">,</option>
        </SelectField>
        <SelectField
          label={t.encoding}
          name="config.csv.encoding"
          value={csv.encoding}
          onChange={(e) =>
            set('encoding', kCsvEncodings.find((x) => x === e.target.value) ?? 'utf-8')
          }
          error={at('encoding')}
        >
          {kCsvEncodings.map((encoding) => (
            <option key={encoding} value={encoding}>
              {t.encodings[encoding] ?? encoding}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t.lineEnding}
          name="config.csv.line_ending"
          value={csv.line_ending}
          onChange={(e) => set('line_ending', e.target.value === 'lf' ? 'lf' : 'crlf')}
          error={at('line_ending')}
        >
          <option value="crlf">{t.lineEndings.crlf}</option>
          <option value="lf">{t.lineEndings.lf}</option>
        </SelectField>
        <SelectField
          label={t.onUnmappable}
          name="config.csv.on_unmappable"
          value={csv.on_unmappable}
          onChange={(e) => set('on_unmappable', e.target.value === 'replace' ? 'replace' : 'fail')}
          error={at('on_unmappable')}
        >
          <option value="fail">{t.onUnmappables.fail}</option>
          <option value="replace">{t.onUnmappables.replace}</option>
        </SelectField>
        {text('date_format', t.dateFormat, t.formatHint)}
        {text('time_format', t.timeFormat)}
        {text('timestamp_format', t.timestampFormat)}
        {text('null_text', `${t.nullText} ${m.common.optional}`, t.nullTextHint)}
      </div>
      <CheckboxField
        label={t.header}
        checked={csv.header}
        onChange={(e) => set('header', e.target.checked)}
        error={at('header')}
      />
      <CheckboxField
        label={t.formulaGuard}
        hint={t.formulaGuardHint}
        checked={csv.formula_guard}
        onChange={(e) => set('formula_guard', e.target.checked)}
        error={at('formula_guard')}
      />
      <CheckboxField
        label={t.gzip}
        hint={t.gzipHint}
        checked={csv.gzip}
        onChange={(e) => set('gzip', e.target.checked)}
        error={at('gzip')}
      />
    </fieldset>
  );
}
