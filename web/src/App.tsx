import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { I18nProvider } from './i18n';
import { Layout } from './layout/Layout';
import { NotFoundPage } from './pages/NotFoundPage';
import { pageRoutes } from './routes';

/**
 * Every client route. Public pages (sign-in) stand alone; every other page, and the
 * not-found page, needs a session and sits in the app's frame. Callers provide the router and
 * the QueryClient (see main.tsx).
 */
export function App() {
  return (
    <I18nProvider>
      <Routes>
        {pageRoutes
          .filter((page) => page.public)
          .map((page) => (
            <Route key={page.path} path={page.path} element={page.element} />
          ))}
        <Route element={<RequireAuth />}>
          <Route element={<Layout />}>
            {pageRoutes
              .filter((page) => !page.public)
              .map((page) => (
                <Route key={page.path} path={page.path} element={page.element} />
              ))}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Route>
      </Routes>
    </I18nProvider>
  );
}
