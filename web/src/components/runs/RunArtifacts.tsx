import { Link } from 'react-router';
import { artifactDownloadPath, useRunArtifacts } from '../../api/runs';
import { hasPermission, kPermission } from '../../auth/permissions';
import { useSignedIn } from '../../auth/session';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../Alert';
import { errorText } from '../errors';
import { formatBytes, formatDateTime, formatNumber } from '../format';

/**
 * The files the run produced, each with a download link (for users who may read datasets)
 * and, when it is a version of a dataset, a link to the dataset.
 */
export function RunArtifacts({ runId }: { runId: string }) {
  const { m, language } = useI18n();
  const me = useSignedIn();
  const canDownload = hasPermission(me, kPermission.datasetsRead);
  const artifacts = useRunArtifacts(runId);
  const list = artifacts.data;

  return (
    <section className="card" aria-labelledby="run-artifacts">
      <h2 id="run-artifacts">{m.runs.artifacts}</h2>
      {artifacts.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{artifacts.isError ? errorText(m, artifacts.error) : null}</ErrorAlert>
      {list && list.length === 0 ? <p className="detail">{m.runs.noArtifacts}</p> : null}
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="run-artifacts">
            <thead>
              <tr>
                <th scope="col">{m.runs.file}</th>
                <th scope="col">{m.runs.dataset}</th>
                <th scope="col">{m.runs.rows}</th>
                <th scope="col">{m.runs.size}</th>
                <th scope="col">{m.runs.created}</th>
                {canDownload ? <th scope="col">{m.common.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((artifact) => (
                <tr key={artifact.id} data-testid="run-artifact" data-artifact-id={artifact.id}>
                  <th scope="row" data-label={m.runs.file}>
                    <span>
                      {artifact.storage}: <code className="wrap-anywhere">{artifact.path}</code>
                    </span>
                  </th>
                  <td data-label={m.runs.dataset}>
                    {artifact.dataset ? (
                      <Link to={`/datasets/${encodeURIComponent(artifact.dataset)}`}>
                        {artifact.dataset}
                      </Link>
                    ) : (
                      <span className="detail">{m.runs.noDataset}</span>
                    )}
                  </td>
                  <td data-label={m.runs.rows}>{formatNumber(language, artifact.rows)}</td>
                  <td data-label={m.runs.size}>
                    {formatBytes(language, artifact.bytes, m.datasets.units)}
                  </td>
                  <td data-label={m.runs.created}>
                    {formatDateTime(language, artifact.created_at)}
                  </td>
                  {canDownload ? (
                    <td data-label={m.common.actions}>
                      <a
                        className="button button-small"
                        href={artifactDownloadPath(artifact.id)}
                        download
                      >
                        {m.runs.download}
                        <span className="visually-hidden"> {artifact.path}</span>
                      </a>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
