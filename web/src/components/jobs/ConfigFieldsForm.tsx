// The config of a job type that describes its fields (GET /job-types → config_fields): one
// labelled input per field, with its help, default and bounds, and the server's 422 for
// "config.<name>" under it. The config itself stays the draft's JSON text, so switching types
// or fields never loses what was typed; keys the form does not know are kept as they are.
import { useId } from 'react';
import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n';
import { TextField } from '../Field';

export type JobConfigField = Schemas['JobConfigField'];

/** The config object in `text`, or an empty one when it is not a JSON object. */
export function configObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Not JSON (typed in the JSON editor of another type): start from nothing.
  }
  return {};
}

/**
 * `config` with `field` set from what was typed: left out when empty (the default applies),
 * a number for numeric fields when the text is one, otherwise the text (the server says why
 * it is wrong).
 */
export function withFieldValue(
  config: Record<string, unknown>,
  field: JobConfigField,
  typed: string,
): Record<string, unknown> {
  const next = { ...config };
  const text = typed.trim();
  if (text === '') {
    delete next[field.name];
  } else if (field.type !== 'string' && Number.isFinite(Number(text))) {
    next[field.name] = Number(text);
  } else {
    next[field.name] = field.type === 'string' ? typed : text;
  }
  return next;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ConfigFieldsForm({
  fields,
  configText,
  onChange,
  errorAt,
}: {
  fields: JobConfigField[];
  configText: string;
  onChange: (configText: string) => void;
  /** The server's error for a config path ("seconds" for config.seconds). */
  errorAt: (path: string) => string | undefined;
}) {
  const { m } = useI18n();
  const t = m.jobs.config;
  const id = useId();
  const config = configObject(configText);
  return (
    <section className="card form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.title}</h2>
      {fields.map((field) => {
        const bounds =
          field.minimum !== undefined || field.maximum !== undefined
            ? t.bounds(field.minimum, field.maximum)
            : '';
        const hint = [field.help, t.defaultIs(shown(field.default)), bounds]
          .filter((part) => part !== '')
          .join(' ');
        return (
          <TextField
            key={field.name}
            label={field.required ? field.name : `${field.name} ${m.common.optional}`}
            name={`config.${field.name}`}
            inputMode={field.type === 'string' ? 'text' : 'decimal'}
            placeholder={shown(field.default)}
            value={shown(config[field.name])}
            onChange={(e) =>
              onChange(JSON.stringify(withFieldValue(config, field, e.target.value), null, 2))
            }
            hint={hint}
            error={errorAt(field.name)}
          />
        );
      })}
    </section>
  );
}
