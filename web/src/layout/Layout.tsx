import { Link, NavLink, Outlet } from 'react-router';
import { useLogout } from '../api/auth';
import { useSignedIn } from '../auth/session';
import { errorText } from '../components/errors';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ThemeSwitch } from '../components/ThemeSwitch';
import { useI18n } from '../i18n';
import { navEntries } from '../routes';

/**
 * The frame around every signed-in page: header with the product name, the navigation the
 * user may see, who is signed in (with a link to their account) and sign-out; then the page.
 */
export function Layout() {
  const me = useSignedIn();
  const { m } = useI18n();
  const logout = useLogout();
  const name = me.user.display_name || me.user.username;
  const role = m.roles[me.user.role];

  // Once signed out, RequireAuth shows the sign-in page.
  const signOut = () => logout.mutate();

  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="brand">
          batuta
        </Link>
        <nav aria-label={m.nav.label} className="app-nav">
          <ul>
            {navEntries(me).map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'}>
                  {m.nav[item.label]}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-menu">
          <Link
            to="/account"
            className="user-name"
            data-testid="current-user"
            title={m.header.account}
          >
            <span className="visually-hidden">{m.header.signedInAs} </span>
            <span data-testid="current-user-name">{name}</span>{' '}
            <span className="badge" data-testid="current-user-role">
              {role}
            </span>
          </Link>
          <button
            type="button"
            className="button button-small"
            onClick={signOut}
            disabled={logout.isPending}
          >
            {logout.isPending ? m.header.signingOut : m.header.signOut}
          </button>
          <LanguageSwitch />
          <ThemeSwitch />
        </div>
        {logout.isError ? (
          <p role="alert" className="alert alert-error header-alert">
            {m.header.signOutFailed(errorText(m, logout.error))}
          </p>
        ) : null}
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
