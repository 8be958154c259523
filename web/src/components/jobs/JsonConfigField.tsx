// The config of a job type without a form of its own: JSON text, checked as it is typed. The
// job type's own rules are the server's (a 422 naming "config..." shows here too).
import { useId } from 'react';
import { useI18n } from '../../i18n';

/** Why `text` is not a JSON object, or null when it is one. */
export function jsonProblem(
  text: string,
  words: { invalid: (reason: string) => string; notObject: string },
): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (err) {
    return words.invalid(err instanceof Error ? err.message : String(err));
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? null
    : words.notObject;
}

export function JsonConfigField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  /** The server's error for the config. */
  error: string | undefined;
}) {
  const { m } = useI18n();
  const t = m.jobs.config;
  const id = useId();
  const problem = jsonProblem(value, t);
  const shown = problem ?? error;
  return (
    <section className="card form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.title}</h2>
      <div className="field">
        <label htmlFor={id}>{t.label}</label>
        <textarea
          id={id}
          name="config"
          className="code-input"
          rows={10}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          value={value}
          aria-describedby={`${id}-hint${shown ? ` ${id}-error` : ''}`}
          aria-invalid={shown ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        <p id={`${id}-hint`} className="field-hint">
          {t.hint} {problem ? null : t.valid}
        </p>
        {shown ? (
          <p id={`${id}-error`} className="field-error">
            {shown}
          </p>
        ) : null}
      </div>
    </section>
  );
}
