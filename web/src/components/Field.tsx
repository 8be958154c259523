// Labelled form controls. Each control has its <label>; a hint and an error, when present, are
// tied to it with aria-describedby, and an error sets aria-invalid.
import { type ComponentPropsWithRef, type ReactNode, useId } from 'react';

interface Described {
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
}

function useDescribed(hint: string | undefined, error: string | null | undefined) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return {
    id,
    control: {
      'aria-describedby': describedBy || undefined,
      'aria-invalid': error ? true : undefined,
    },
    extra: (
      <>
        {hint ? (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={errorId} className="field-error">
            {error}
          </p>
        ) : null}
      </>
    ),
  };
}

type TextFieldProps = Described & Omit<ComponentPropsWithRef<'input'>, 'id'>;

export function TextField({ label, hint, error, ...input }: TextFieldProps) {
  const { id, control, extra } = useDescribed(hint, error);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} {...control} {...input} />
      {extra}
    </div>
  );
}

type SelectFieldProps = Described &
  Omit<ComponentPropsWithRef<'select'>, 'id'> & { children: ReactNode };

export function SelectField({ label, hint, error, children, ...select }: SelectFieldProps) {
  const { id, control, extra } = useDescribed(hint, error);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...control} {...select}>
        {children}
      </select>
      {extra}
    </div>
  );
}
