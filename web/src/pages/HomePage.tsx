import { ApiError } from '../api/client';
import { useReadiness, useVersion } from '../api/hooks';

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function VersionValue() {
  const version = useVersion();
  if (version.isPending) return <dd data-testid="server-version" data-state="loading">…</dd>;
  if (version.isError) {
    return (
      <dd data-testid="server-version" data-state="error" title={errorText(version.error)}>
        unavailable
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
  const readiness = useReadiness();
  if (readiness.isPending) {
    return (
      <dd>
        <span data-testid="server-readiness" data-state="loading" className="status">
          checking…
        </span>
      </dd>
    );
  }
  if (readiness.isError) {
    return (
      <dd>
        <span data-testid="server-readiness" data-state="error" className="status status-bad">
          not ready
        </span>
        <span className="detail">{errorText(readiness.error)}</span>
      </dd>
    );
  }
  const { status, store, schema_version } = readiness.data;
  return (
    <dd>
      <span data-testid="server-readiness" data-state="ok" className="status status-good">
        {status}
      </span>
      <span className="detail">
        {store}, schema {schema_version}
      </span>
    </dd>
  );
}

export function HomePage() {
  return (
    <section className="page">
      <h1>batuta</h1>
      <p className="lead">Scheduled jobs, runs and datasets, in one server.</p>
      <div className="card">
        <h2>Server</h2>
        <dl className="facts">
          <dt>Version</dt>
          <VersionValue />
          <dt>Readiness</dt>
          <ReadinessValue />
        </dl>
      </div>
    </section>
  );
}
