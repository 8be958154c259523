import { ApiError, kNetworkError } from '../api/client';
import type { Messages } from '../i18n';

/** A failure as one sentence for people: our own text for common cases, else the server's. */
export function errorText(m: Messages, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === kNetworkError) return m.errors.network;
    if (error.status === 401) return m.errors.unauthenticated;
    if (error.status === 403) return m.errors.forbidden;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Splits an API failure between a form's fields: a 422 naming one of `fields` in
 * `details.field` becomes that field's error; anything else is an error of the whole form.
 */
export function formErrors<F extends string>(
  m: Messages,
  error: unknown,
  fields: readonly F[],
): { field: Partial<Record<F, string>>; form: string | null } {
  if (!error) return { field: {}, form: null };
  if (
    error instanceof ApiError &&
    error.field &&
    (fields as readonly string[]).includes(error.field)
  ) {
    return {
      field: { [error.field as F]: error.message } as Partial<Record<F, string>>,
      form: null,
    };
  }
  return { field: {}, form: errorText(m, error) };
}
