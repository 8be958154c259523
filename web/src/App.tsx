import { Route, Routes } from 'react-router';
import { Layout } from './layout/Layout';
import { NotFoundPage } from './pages/NotFoundPage';
import { pageRoutes } from './routes';

/** Every client route. Callers provide the router and the QueryClient (see main.tsx). */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        {pageRoutes.map((page) => (
          <Route key={page.path} path={page.path} element={page.element} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
