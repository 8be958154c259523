import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, stubApi } from '../test/helpers';
import {
  ApiError,
  api,
  call,
  getCsrfToken,
  isErrorBody,
  kCsrfHeader,
  kNetworkError,
  kUnexpectedResponse,
  parseRetryAfter,
  setCsrfToken,
} from './client';

describe('ApiError.fromResponse', () => {
  it('takes code, message and details from an API error body', () => {
    const err = ApiError.fromResponse(413, {
      error: {
        code: 'payload_too_large',
        message: 'Body over 1 MiB.',
        details: { limit: 1048576 },
      },
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ApiError');
    expect(err.status).toBe(413);
    expect(err.code).toBe('payload_too_large');
    expect(err.message).toBe('Body over 1 MiB.');
    expect(err.details).toEqual({ limit: 1048576 });
  });

  it('treats a missing or malformed details field as empty', () => {
    const body = { error: { code: 'invalid', message: 'bad', details: 'x' } };
    const err = ApiError.fromResponse(400, body);
    expect(err.details).toEqual({});
  });

  it('describes a body that is not an API error', () => {
    const html = ApiError.fromResponse(502, '<html>Bad Gateway</html>', 'Bad Gateway');
    expect(html.code).toBe(kUnexpectedResponse);
    expect(html.status).toBe(502);
    expect(html.message).toBe('Bad Gateway');

    const bare = ApiError.fromResponse(500, undefined);
    expect(bare.message).toBe('HTTP 500');
  });

  it('recognises only the documented error shape', () => {
    expect(isErrorBody({ error: { code: 'x', message: 'y', details: {} } })).toBe(true);
    expect(isErrorBody({ error: 'x' })).toBe(false);
    expect(isErrorBody({ code: 'x', message: 'y' })).toBe(false);
    expect(isErrorBody(null)).toBe(false);
  });
});

describe('call', () => {
  it('returns the typed body of a successful response', async () => {
    stubApi({ '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '1.2.3' }) });
    const version = await call(api.GET('/api/v1/version'));
    expect(version).toEqual({ name: 'batuta', version: '1.2.3' });
  });

  it('throws an ApiError built from the error body', async () => {
    stubApi({
      '/readyz': () =>
        jsonResponse(503, {
          error: { code: 'unavailable', message: 'store unreachable', details: { check: 'store' } },
        }),
    });
    const err = await call(api.GET('/readyz')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 503,
      code: 'unavailable',
      message: 'store unreachable',
      details: { check: 'store' },
    });
  });

  it('turns a failed request into a network_error ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = await call(api.GET('/api/v1/version')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 0, code: kNetworkError, message: 'Failed to fetch' });
  });

  it('turns a 2xx body that is not JSON into an unexpected_response ApiError', async () => {
    stubApi({
      '/api/v1/version': () =>
        new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
    });
    const err = await call(api.GET('/api/v1/version')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: kUnexpectedResponse });
  });
});

describe('CSRF middleware', () => {
  const kToken = 'csrf-123';

  async function headersSent(send: () => Promise<unknown>) {
    let headers: Headers | undefined;
    stubApi({
      '/api/v1/users': (request) => {
        headers = request.headers;
        return jsonResponse(200, { users: [] });
      },
      '/api/v1/users/u1': (request) => {
        headers = request.headers;
        return jsonResponse(200, {});
      },
      '/api/v1/api-keys/k1': (request) => {
        headers = request.headers;
        return new Response(null, { status: 204 });
      },
    });
    await send();
    if (!headers) throw new Error('no request reached the stub');
    return headers;
  }

  it('adds the session token to POST, PATCH and DELETE', async () => {
    setCsrfToken(kToken);
    const body = { username: 'bob', role: 'viewer' as const, password: 'x'.repeat(12) };
    const post = await headersSent(() => api.POST('/api/v1/users', { body }));
    expect(post.get(kCsrfHeader)).toBe(kToken);

    const patch = await headersSent(() =>
      api.PATCH('/api/v1/users/{id}', { params: { path: { id: 'u1' } }, body: { active: false } }),
    );
    expect(patch.get(kCsrfHeader)).toBe(kToken);

    const del = await headersSent(() =>
      api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: 'k1' } } }),
    );
    expect(del.get(kCsrfHeader)).toBe(kToken);
  });

  it('never adds it to GET', async () => {
    setCsrfToken(kToken);
    const get = await headersSent(() => api.GET('/api/v1/users'));
    expect(get.has(kCsrfHeader)).toBe(false);
  });

  it('sends no token when there is no session', async () => {
    setCsrfToken(null);
    const body = { username: 'bob', role: 'viewer' as const, password: 'x'.repeat(12) };
    const post = await headersSent(() => api.POST('/api/v1/users', { body }));
    expect(post.has(kCsrfHeader)).toBe(false);
    expect(getCsrfToken()).toBeNull();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('is on the ApiError of a throttled call, with the field a 422 names', async () => {
    stubApi({
      '/api/v1/auth/login': () =>
        jsonResponse(
          429,
          { error: { code: 'rate_limited', message: 'slow down', details: {} } },
          { 'Retry-After': '12' },
        ),
    });
    const err = await call(
      api.POST('/api/v1/auth/login', { body: { username: 'a', password: 'b' } }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 12, field: null });

    const invalid = ApiError.fromResponse(422, {
      error: { code: 'validation_failed', message: 'too short', details: { field: 'password' } },
    });
    expect(invalid.field).toBe('password');
    expect(invalid.retryAfterSeconds).toBeNull();
  });
});
