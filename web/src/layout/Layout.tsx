import { Link, NavLink, Outlet } from 'react-router';
import { pageRoutes } from '../routes';

/** The frame around every page: header with the product name and navigation, then the page. */
export function Layout() {
  const navItems = pageRoutes.flatMap((page) =>
    page.nav ? [{ path: page.path, label: page.nav.label }] : [],
  );
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="brand">
          batuta
        </Link>
        <nav aria-label="Main" className="app-nav">
          <ul>
            {navItems.map((item) => (
              <li key={item.path}>
                <NavLink to={item.path} end={item.path === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
