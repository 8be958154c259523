import { Navigate, Outlet, useLocation } from 'react-router';
import { useMe, wasSignedOutByUser } from '../api/auth';
import { ErrorAlert } from '../components/Alert';
import { errorText } from '../components/errors';
import { useI18n } from '../i18n';
import { SignedInContext } from './session';

/** Where the sign-in page returns to: the page the user asked for. */
export interface LoginState {
  from?: string;
}

/**
 * Renders its child routes only with a session. Without one (GET /auth/me answered 401, or
 * any later query did) it sends the user to /login, remembering the page they were on, except
 * after they signed out.
 */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  const { m } = useI18n();

  if (me.data) {
    return (
      <SignedInContext.Provider value={me.data}>
        <Outlet />
      </SignedInContext.Provider>
    );
  }
  if (me.data === null) {
    const state: LoginState = wasSignedOutByUser()
      ? {}
      : { from: location.pathname + location.search + location.hash };
    return <Navigate to="/login" replace state={state} />;
  }
  if (me.isError) {
    return (
      <main className="center-page">
        <div className="card narrow">
          <h1>{m.session.failed}</h1>
          <ErrorAlert>{errorText(m, me.error)}</ErrorAlert>
          <button type="button" className="button" onClick={() => void me.refetch()}>
            {m.common.retry}
          </button>
        </div>
      </main>
    );
  }
  return (
    <main className="center-page">
      <p role="status">{m.session.checking}</p>
    </main>
  );
}
