// The job's versions, newest first; each one's definition opens in place.
import { useJobVersions } from '../../api/jobs';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { errorText } from '../errors';
import { formatDateTime } from '../format';

export function JobVersions({ jobId, current }: { jobId: string; current: number }) {
  const { m, language } = useI18n();
  const t = m.jobs.versions;
  const versions = useJobVersions(jobId);
  return (
    <section className="card" aria-labelledby="job-versions">
      <h2 id="job-versions">{t.title}</h2>
      {versions.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{versions.isError ? errorText(m, versions.error) : null}</ErrorAlert>
      {versions.data ? (
        <ul className="version-list">
          {versions.data.map((version) => (
            <li key={version.version}>
              <details>
                <summary>
                  {t.version(version.version)}
                  {version.version === current ? ` ${t.current}` : ''}
                  <span className="cell-sub">
                    {t.by(version.created_by)},{' '}
                    <time dateTime={version.created_at}>
                      {formatDateTime(language, version.created_at)}
                    </time>
                  </span>
                </summary>
                <pre className="code-view">{JSON.stringify(version.definition, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
