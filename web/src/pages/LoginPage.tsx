import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { dropUserData, useLogin, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import type { LoginState } from '../auth/RequireAuth';
import { ErrorAlert } from '../components/Alert';
import { errorText } from '../components/errors';
import { TextField } from '../components/Field';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ThemeSwitch } from '../components/ThemeSwitch';
import { type Messages, useI18n } from '../i18n';

/**
 * The page to return to after signing in: the one RequireAuth remembered, if it is a path of
 * this app (never another site, never /login itself), else Home.
 */
export function returnPath(state: unknown): string {
  const from = (state as LoginState | null)?.from;
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//')) return '/';
  if (from === '/login' || from.startsWith('/login?') || from.startsWith('/login#')) return '/';
  return from;
}

/** Seconds left until `until` (ms since the epoch), ticking once a second; 0 when past. */
function useSecondsUntil(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (until === null) return 0;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

function loginErrorText(m: Messages, error: unknown, secondsLeft: number): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return m.login.wrongCredentials;
    if (error.status === 429) {
      return error.retryAfterSeconds !== null
        ? m.login.throttled(secondsLeft)
        : m.login.throttledNoTime;
    }
    if (error.status === 503) return m.login.busy;
  }
  return errorText(m, error);
}

/** Sign-in with username and password; on success, back to the page the user wanted. */
export function LoginPage() {
  const { m } = useI18n();
  const location = useLocation();
  const queryClient = useQueryClient();
  const me = useMe();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [throttledUntil, setThrottledUntil] = useState<number | null>(null);
  const secondsLeft = useSecondsUntil(throttledUntil);
  const passwordRef = useRef<HTMLInputElement>(null);

  // Whatever a previous user had cached goes once no page shows it any more.
  useEffect(() => {
    dropUserData(queryClient);
  }, [queryClient]);

  // The throttle message counts down, and goes once the wait is over.
  const { reset } = login;
  useEffect(() => {
    if (throttledUntil !== null && secondsLeft === 0) {
      setThrottledUntil(null);
      reset();
    }
  }, [throttledUntil, secondsLeft, reset]);

  if (me.data) return <Navigate to={returnPath(location.state)} replace />;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (login.isPending || throttledUntil !== null) return;
    login.mutate(
      { username: username.trim(), password },
      {
        onError: (error) => {
          setPassword('');
          passwordRef.current?.focus();
          if (error instanceof ApiError && error.status === 429 && error.retryAfterSeconds) {
            setThrottledUntil(Date.now() + error.retryAfterSeconds * 1000);
          }
        },
      },
    );
  };

  const waiting = throttledUntil !== null && secondsLeft > 0;
  return (
    <main className="center-page">
      <div className="card narrow login-card">
        <div className="login-top">
          <span className="brand">batuta</span>
          <LanguageSwitch />
          <ThemeSwitch />
        </div>
        <h1 id="login-title">{m.login.title}</h1>
        <form onSubmit={submit} aria-labelledby="login-title" className="form">
          <TextField
            label={m.login.username}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            ref={passwordRef}
            label={m.login.password}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorAlert>
            {login.isError ? loginErrorText(m, login.error, secondsLeft) : null}
          </ErrorAlert>
          <button
            type="submit"
            className="button button-primary button-wide"
            disabled={login.isPending || waiting}
          >
            {login.isPending ? m.login.submitting : m.login.submit}
          </button>
        </form>
      </div>
    </main>
  );
}
