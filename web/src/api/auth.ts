// The session: who is signed in (GET /auth/me), sign-in, sign-out and changing one's own
// password. Every `Me` the server returns carries the session's CSRF token; acceptMe() hands
// it to the client's CSRF middleware, so no caller ever handles the token.
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type Schemas, api, call, setCsrfToken } from './client';
import { isMeKey, queryKeys } from './queryKeys';

export type Me = Schemas['Me'];
export type LoginRequest = Schemas['LoginRequest'];
export type ChangePasswordRequest = Schemas['ChangePasswordRequest'];

/** How long the signed-in user's details are reused before GET /auth/me is asked again. */
const kMeStaleMs = 5 * 60_000;
/** A sign-in answered 503 (the server is busy hashing other sign-ins) is retried this often. */
const kLoginBusyRetries = 2;
const kLoginBusyDelayMs = 500;
const kLoginBusyMaxDelayMs = 5_000;

/**
 * Whether the last session ended because the user signed out (rather than expiring or being
 * ended by the server). The sign-in page then starts afresh instead of returning to the page
 * the previous user was on.
 */
let signedOutByUser = false;

export function wasSignedOutByUser(): boolean {
  return signedOutByUser;
}

/** Records a `Me` from the server as the current session (its CSRF token and the caller). */
export function acceptMe(queryClient: QueryClient, me: Me): void {
  signedOutByUser = false;
  setCsrfToken(me.csrf_token);
  queryClient.setQueryData(queryKeys.me, me);
}

/**
 * Forgets the session after sign-out (`how` = 'signed-out') or when the server says it is
 * gone (a 401): the app then shows the sign-in page (see RequireAuth). Cached data of the
 * signed-out user is dropped by the sign-in page once no page shows it any more.
 */
export function forgetSession(queryClient: QueryClient, how: 'signed-out' | 'lost' = 'lost'): void {
  signedOutByUser = how === 'signed-out';
  setCsrfToken(null);
  queryClient.setQueryData<Me | null>(queryKeys.me, null);
}

/** Drops every cached query but the session itself (at a change of user). */
export function dropUserData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => !isMeKey(query.queryKey) });
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** GET /api/v1/auth/me: the signed-in caller, or null when there is no valid session. */
export function useMe() {
  return useQuery<Me | null>({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => {
      signedOutByUser = false;
      try {
        const me = await call(api.GET('/api/v1/auth/me', { signal }));
        setCsrfToken(me.csrf_token);
        return me;
      } catch (err) {
        if (!isUnauthenticated(err)) throw err;
        setCsrfToken(null);
        return null;
      }
    },
    staleTime: kMeStaleMs,
  });
}

/**
 * POST /api/v1/auth/login. A 401 here is a wrong username or password, not a lost session.
 * A 503 (busy) is retried a couple of times, after `Retry-After` when the server gives one.
 */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => call(api.POST('/api/v1/auth/login', { body })),
    meta: { on401: 'ignore' },
    retry: (failureCount, error) =>
      error instanceof ApiError && error.status === 503 && failureCount < kLoginBusyRetries,
    retryDelay: (attempt, error) => {
      const seconds = error instanceof ApiError ? error.retryAfterSeconds : null;
      const ms = seconds !== null ? seconds * 1000 : kLoginBusyDelayMs * 2 ** attempt;
      return Math.min(ms, kLoginBusyMaxDelayMs);
    },
    onSuccess: (me) => {
      dropUserData(queryClient);
      acceptMe(queryClient, me);
    },
  });
}

/**
 * POST /api/v1/auth/logout: ends the session on the server, then forgets it here, which
 * brings up the sign-in page.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/logout')),
    onSuccess: () => forgetSession(queryClient, 'signed-out'),
  });
}

/**
 * POST /api/v1/auth/password: the server ends every other session and replaces this one, so
 * the returned `Me` brings a new CSRF token. A 401 may mean a wrong current password rather
 * than a lost session, so the session is checked again instead of being dropped.
 */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => call(api.POST('/api/v1/auth/password', { body })),
    meta: { on401: 'recheck' },
    onSuccess: (me) => acceptMe(queryClient, me),
  });
}
