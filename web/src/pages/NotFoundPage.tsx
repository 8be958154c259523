import { Link, useLocation } from 'react-router';

/** Shown for any client route no page matches. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className="page" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>.
      </p>
      <p>
        <Link to="/">Back to Home</Link>
      </p>
    </section>
  );
}
