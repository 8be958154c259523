// The typed HTTP client for batuta's API. Request and response types come from
// schema.gen.ts, generated from api/openapi.yaml, so a call that does not match the
// document fails to type-check. Every failure reaches callers as an ApiError.
import createClient from 'openapi-fetch';
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
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Builds the error for a non-2xx response from its status and (parsed or raw) body. */
  static fromResponse(status: number, body: unknown, statusText = ''): ApiError {
    if (isErrorBody(body)) {
      const { code, message, details } = body.error;
      return new ApiError(status, code, message, isRecord(details) ? details : {});
    }
    const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
    const message = statusText || text || `HTTP ${status}`;
    return new ApiError(status, kUnexpectedResponse, message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `body` has the API's error shape `{"error": {"code", "message", ...}}`. */
export function isErrorBody(body: unknown): body is ErrorBody {
  if (!isRecord(body) || !isRecord(body.error)) return false;
  return typeof body.error.code === 'string' && typeof body.error.message === 'string';
}

/**
 * The API client. Requests go to the page's own origin: the server serves both the app and
 * the API (in development Vite proxies the API paths). `fetch` is looked up on every call
 * rather than captured once, so tests can stub it.
 */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  fetch: (request) => globalThis.fetch(request),
});

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
  if (!response.ok) throw ApiError.fromResponse(response.status, result.error, response.statusText);
  return result.data as T;
}
