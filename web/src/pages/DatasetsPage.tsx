import { Link } from 'react-router';
import { useDatasets } from '../api/datasets';
import { ErrorAlert } from '../components/Alert';
import { errorText } from '../components/errors';
import { formatBytes, formatDateTime, formatNumber } from '../components/format';
import { useI18n } from '../i18n';

/** Every dataset the caller may read, with its current version; each opens its own page. */
export function DatasetsPage() {
  const { m, language } = useI18n();
  const datasets = useDatasets();
  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.datasets.title}</h1>
      </div>
      <p className="lead">{m.datasets.lead}</p>
      {datasets.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{datasets.isError ? errorText(m, datasets.error) : null}</ErrorAlert>
      {datasets.data && datasets.data.length === 0 ? (
        <p data-testid="datasets-empty">{m.datasets.empty}</p>
      ) : null}
      {datasets.data && datasets.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="datasets-table">
            <thead>
              <tr>
                <th scope="col">{m.datasets.name}</th>
                <th scope="col">{m.datasets.rows}</th>
                <th scope="col">{m.datasets.bytes}</th>
                <th scope="col">{m.datasets.updated}</th>
                <th scope="col">{m.datasets.version}</th>
              </tr>
            </thead>
            <tbody>
              {datasets.data.map((dataset) => (
                <tr key={dataset.name} data-testid={`dataset-${dataset.name}`}>
                  <th scope="row" data-label={m.datasets.name}>
                    <Link to={`/datasets/${encodeURIComponent(dataset.name)}`}>{dataset.name}</Link>
                  </th>
                  <td data-label={m.datasets.rows}>{formatNumber(language, dataset.rows)}</td>
                  <td data-label={m.datasets.bytes}>
                    {formatBytes(language, dataset.bytes, m.datasets.units)}
                  </td>
                  <td data-label={m.datasets.updated}>
                    {formatDateTime(language, dataset.updated_at)}
                  </td>
                  <td data-label={m.datasets.version}>
                    <code>{dataset.version}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
