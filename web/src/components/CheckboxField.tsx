// A labelled checkbox with an optional hint and error, tied to it with aria-describedby like
// the controls of Field.tsx.
import { type ComponentPropsWithRef, type ReactNode, useId } from 'react';

type CheckboxFieldProps = {
  label: ReactNode;
  hint?: string | undefined;
  error?: string | null | undefined;
} & Omit<ComponentPropsWithRef<'input'>, 'id' | 'type'>;

export function CheckboxField(props: CheckboxFieldProps) {
  const { label, hint, error, ...input } = props;
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field check-field">
      <label htmlFor={id} className="check-label">
        <input
          id={id}
          type="checkbox"
          aria-describedby={describedBy || undefined}
          aria-invalid={error ? true : undefined}
          {...input}
        />
        <span>{label}</span>
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
