import { useReadiness, useVersion } from '../api/hooks';
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

export function HomePage() {
  const { m } = useI18n();
  return (
    <section className="page">
      <h1>batuta</h1>
      <p className="lead">{m.home.lead}</p>
      <div className="card">
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
