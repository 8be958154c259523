import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, stubApi } from '../test/helpers';
import { ApiError, api, call, isErrorBody, kNetworkError, kUnexpectedResponse } from './client';

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
