import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { vi } from 'vitest';
import { App } from '../App';
import { createQueryClient } from '../api/queryClient';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** The API's error body with `status`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return jsonResponse(status, { error: { code, message, details } }, headers);
}

export type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Replaces fetch with a fake server. `routes` maps "METHOD /path" (or just "/path", for any
 * method) to a handler that gets the Request; any other request gets the API's 404 error body.
 * Returns the mock to inspect calls (each call's first argument is the Request).
 */
export function stubApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'));
    const url = new URL(request.url, 'http://localhost');
    const handler = routes[`${request.method} ${url.pathname}`] ?? routes[url.pathname];
    if (handler) return handler(request);
    return errorResponse(404, 'not_found', `no route ${request.method} ${url.pathname}`);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The Requests the app sent, as "METHOD /path?query" strings, in order. */
export function sentRequests(fetchMock: ReturnType<typeof stubApi>): string[] {
  return fetchMock.mock.calls.map(([input]) => {
    const request = input as Request;
    const url = new URL(request.url);
    return `${request.method} ${url.pathname}${url.search}`;
  });
}

/** Shows the router's current location, so tests can see where the app navigated. */
function LocationProbe() {
  const location = useLocation();
  return (
    <output data-testid="location" hidden>
      {location.pathname + location.search}
    </output>
  );
}

/** Renders the whole app at `path` with a fresh cache (the app's own) and no retries. */
export function renderApp(path: string) {
  const queryClient = createQueryClient({ retries: 0 });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <App />
        <LocationProbe />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
