// The typed HTTP client for batuta's API. Request and response types come from
// schema.gen.ts, generated from api/openapi.yaml, so a call that does not match the
// document fails to type-check. Every failure reaches callers as an ApiError.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';

export type Schemas = components['schemas'];
export type ErrorBody = Schemas['ErrorBody'];

/** Client-side codes for failures that never produced an API error body. */
export const kNetworkError = 'network_error';
export const kUnexpectedResponse = 'unexpected_response';

/**
 * A failed API call. For an error the server reported, `status` is the HTTP status and
 * `code`, `message`, `details` come from its `{"error": {...}}` body. A request that got no
 * response has status 0 and code `network_error`; a response that is not an error body
 * (e.g. a proxy's HTML page) keeps its status and has code `unexpected_response`.
 * `retryAfterSeconds` is the response's `Retry-After` (429, 503), or null without one.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Builds the error for a non-2xx response from its status and (parsed or raw) body, and
   * its headers when there are any.
   */
  static fromResponse(status: number, body: unknown, statusText = '', headers?: Headers): ApiError {
    const retryAfter = parseRetryAfter(headers?.get('Retry-After') ?? null);
    if (isErrorBody(body)) {
      const { code, message, details } = body.error;
      return new ApiError(status, code, message, isRecord(details) ? details : {}, retryAfter);
    }
    const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
    const message = statusText || text || `HTTP ${status}`;
    return new ApiError(status, kUnexpectedResponse, message, {}, retryAfter);
  }

  /** The field a 422 names in `details.field`, or null when the error is not about one. */
  get field(): string | null {
    const { field } = this.details;
    return this.status === 422 && typeof field === 'string' && field !== '' ? field : null;
  }
}

/**
 * Seconds to wait from a `Retry-After` value: either whole seconds or an HTTP date (RFC 9110
 * 10.2.3). Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `body` has the API's error shape `{"error": {"code", "message", ...}}`. */
export function isErrorBody(body: unknown): body is ErrorBody {
  if (!isRecord(body) || !isRecord(body.error)) return false;
  return typeof body.error.code === 'string' && typeof body.error.message === 'string';
}

/** The header that carries the session's CSRF token on unsafe requests. */
export const kCsrfHeader = 'X-CSRF-Token';
const kUnsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The CSRF token of the current browser session: set from every `Me` the server returns
 * (sign-in, GET /auth/me, password change) and cleared on sign-out. The session cookie itself
 * is HttpOnly; the browser sends it without our help.
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token || null;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/**
 * Adds `X-CSRF-Token` to every unsafe request (POST, PUT, PATCH, DELETE) while a session is
 * known. Safe requests never carry it. This is the only place the header is set.
 */
export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (csrfToken !== null && kUnsafeMethods.has(request.method.toUpperCase())) {
      request.headers.set(kCsrfHeader, csrfToken);
    }
    return request;
  },
};

/**
 * The API client. Requests go to the page's own origin: the server serves both the app and
 * the API (in development Vite proxies the API paths), so the session cookie goes with them.
 * `fetch` is looked up on every call rather than captured once, so tests can stub it.
 */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  fetch: (request) => globalThis.fetch(request),
});
api.use(csrfMiddleware);

interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits a client call and returns its data, or throws an ApiError. Cancellation (an
 * AbortError from a query's signal) is rethrown unchanged so TanStack Query can tell it
 * apart from a failure.
 */
export async function call<T>(request: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await request;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if ((err as { name?: unknown } | null)?.name === 'AbortError') throw err;
    const message = err instanceof Error ? err.message : String(err);
    // A 2xx response whose body is not JSON makes the client throw a SyntaxError.
    const code = err instanceof SyntaxError ? kUnexpectedResponse : kNetworkError;
    throw new ApiError(0, code, message || 'The request failed.');
  }
  const { response } = result;
  if (!response.ok) {
    throw ApiError.fromResponse(
      response.status,
      result.error,
      response.statusText,
      response.headers,
    );
  }
  return result.data as T;
}
