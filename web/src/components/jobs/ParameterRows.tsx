// The job's declared parameters: a group of controls per parameter (name, type, default,
// required, description), added and removed as rows. Errors the API names as
// "parameters[i].<member>" show under that row's control.
import {
  type ParameterDraft,
  type ParameterType,
  emptyParameter,
  kParameterTypes,
} from '../../jobs/jobDraft';
import type { FieldErrors } from '../../jobs/fieldErrors';
import { useI18n } from '../../i18n';
import { CheckboxField } from '../CheckboxField';
import { SelectField, TextField } from '../Field';

/** The input of a value of `type` (a parameter's default, or a run's value). */
export function ValueInput({
  type,
  label,
  value,
  onChange,
  error,
  hint,
  required,
  name,
}: {
  type: ParameterType;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  name?: string;
}) {
  const { m } = useI18n();
  if (type === 'boolean') {
    return (
      <SelectField
        label={label}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        hint={hint}
        required={required}
      >
        <option value="">{m.jobs.run.notSet}</option>
        <option value="true">{m.jobs.run.yes}</option>
        <option value="false">{m.jobs.run.no}</option>
      </SelectField>
    );
  }
  const input =
    type === 'integer'
      ? { type: 'number', step: 1, inputMode: 'numeric' as const }
      : type === 'number'
        ? { type: 'number', step: 'any', inputMode: 'decimal' as const }
        : type === 'date'
          ? { type: 'date' }
          : { type: 'text' };
  return (
    <TextField
      label={label}
      name={name}
      autoComplete="off"
      {...input}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint}
      required={required}
    />
  );
}

export function ParameterRows({
  parameters,
  onChange,
  errors,
}: {
  parameters: ParameterDraft[];
  onChange: (parameters: ParameterDraft[]) => void;
  errors: FieldErrors;
}) {
  const { m } = useI18n();
  const t = m.jobs.parameters;
  const set = (index: number, change: Partial<ParameterDraft>) =>
    onChange(parameters.map((p, i) => (i === index ? { ...p, ...change } : p)));
  const error = errors.at('parameters');
  return (
    <section className="card form" aria-labelledby="job-parameters">
      <h2 id="job-parameters">{t.title}</h2>
      <p className="field-hint">{t.lead}</p>
      {parameters.length === 0 ? <p>{t.none}</p> : null}
      {parameters.map((parameter, index) => {
        const at = (member: string) => errors.at(`parameters[${index}].${member}`);
        return (
          // Rows have no id of their own; they are only added at the end or removed.
          <fieldset key={index} className="param-row" data-testid={`parameter-${index}`}>
            <legend>{t.row(index + 1)}</legend>
            <TextField
              label={t.name}
              name={`parameters[${index}].name`}
              autoComplete="off"
              spellCheck={false}
              required
              value={parameter.name}
              onChange={(e) => set(index, { name: e.target.value })}
              error={at('name')}
            />
            <SelectField
              label={t.type}
              name={`parameters[${index}].type`}
              value={parameter.type}
              onChange={(e) => {
                const type = kParameterTypes.find((x) => x === e.target.value) ?? 'string';
                // A default typed for the old type rarely fits the new one.
                set(index, { type, default: '' });
              }}
              error={at('type')}
            >
              {kParameterTypes.map((type) => (
                <option key={type} value={type}>
                  {t.types[type] ?? type}
                </option>
              ))}
            </SelectField>
            <ValueInput
              type={parameter.type}
              label={`${t.default} ${m.common.optional}`}
              name={`parameters[${index}].default`}
              value={parameter.default}
              onChange={(value) => set(index, { default: value })}
              error={at('default')}
            />
            <TextField
              label={`${t.description} ${m.common.optional}`}
              name={`parameters[${index}].description`}
              autoComplete="off"
              value={parameter.description}
              onChange={(e) => set(index, { description: e.target.value })}
              error={at('description')}
            />
            <CheckboxField
              label={t.required}
              checked={parameter.required}
              onChange={(e) => set(index, { required: e.target.checked })}
              error={at('required')}
            />
            <div className="param-actions">
              <button
                type="button"
                className="button button-small button-danger"
                onClick={() => onChange(parameters.filter((_, i) => i !== index))}
              >
                {t.remove}
                <span className="visually-hidden"> {t.row(index + 1)}</span>
              </button>
            </div>
          </fieldset>
        );
      })}
      {error ? <p className="field-error">{error}</p> : null}
      <div>
        <button
          type="button"
          className="button"
          onClick={() => onChange([...parameters, emptyParameter()])}
        >
          {t.add}
        </button>
      </div>
    </section>
  );
}
