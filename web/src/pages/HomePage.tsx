import { useReadiness, useVersion } from '../api/hooks';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { HomeOverview } from '../components/HomeOverview';
import { errorText } from '../components/errors';
import { useI18n } from '../i18n';

function VersionValue() {
  const { m } = useI18n();
  const version = useVersion();
  if (version.isPending)
    return (
      <dd data-testid="server-version" data-state="loading">
        …
      </dd>
    );
  if (version.isError) {
    return (
      <dd data-testid="server-version" data-state="error" title={errorText(m, version.error)}>
        {m.home.unavailable}
      </dd>
    );
  }
  return (
    <dd data-testid="server-version" data-state="ok">
      {version.data.version}
    </dd>
  );
}

function ReadinessValue() {
  const { m } = useI18n();
  const readiness = useReadiness();
  if (readiness.isPending) {
    return (
      <dd>
        <span data-testid="server-readiness" data-state="loading" className="status">
          {m.home.checking}
        </span>
      </dd>
    );
  }
  if (readiness.isError) {
    return (
      <dd>
        <span data-testid="server-readiness" data-state="error" className="status status-bad">
          {m.home.notReady}
        </span>
        <span className="detail">{errorText(m, readiness.error)}</span>
      </dd>
    );
  }
  const { store, schema_version } = readiness.data;
  return (
    <dd>
      <span data-testid="server-readiness" data-state="ok" className="status status-good">
        {m.home.ready}
      </span>
      <span className="detail">{m.home.store(store, schema_version)}</span>
    </dd>
  );
}

/**
 * Home: the overview of jobs and runs (for callers who may read runs), then a small box with
 * the server's version and readiness, which works even when the overview cannot be loaded.
 */
export function HomePage() {
  const { m } = useI18n();
  const me = useSignedIn();
  return (
    <section className="page">
      <h1>batuta</h1>
      <p className="lead">{m.home.lead}</p>
      {hasPermission(me, kPermission.runsRead) ? <HomeOverview /> : null}
      <div className="card" data-testid="server-box">
        <h2>{m.home.server}</h2>
        <dl className="facts">
          <dt>{m.home.version}</dt>
          <VersionValue />
          <dt>{m.home.readiness}</dt>
          <ReadinessValue />
        </dl>
      </div>
    </section>
  );
}
