import { Link, useLocation } from 'react-router';
import { useI18n } from '../i18n';

/** Shown for any client route no page matches. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  const { m } = useI18n();
  return (
    <section className="page" data-testid="not-found">
      <h1>{m.notFound.title}</h1>
      <p>
        {m.notFound.before}
        <code>{pathname}</code>
        {m.notFound.after}
      </p>
      <p>
        <Link to="/">{m.notFound.back}</Link>
      </p>
    </section>
  );
}
