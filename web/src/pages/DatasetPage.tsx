import { useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import {
  type Dataset,
  type DatasetRowsPage,
  datasetDownloadPath,
  datasetRowsPath,
  useDataset,
  useDatasetRows,
  useDatasetVersions,
} from '../api/datasets';
import { ErrorAlert } from '../components/Alert';
import { CopyButton } from '../components/CopyButton';
import { errorText } from '../components/errors';
import { formatBytes, formatDateTime, formatNumber } from '../components/format';
import { type Messages, useI18n } from '../i18n';

/** Rows per preview page. */
export const kPageSize = 50;

/** The preview's offset from the page's `?offset=`: a multiple of the page size, 0 or more. */
export function pageOffset(text: string | null): number {
  const value = Number(text ?? 0);
  if (!Number.isInteger(value) || value < 0) return 0;
  return value - (value % kPageSize);
}

/** The 1-based first and last row a page shows (first > last when it shows none). */
export function pageRange(page: Pick<DatasetRowsPage, 'offset' | 'rows'>) {
  return { from: page.offset + 1, to: page.offset + page.rows.length };
}

/** A cell as text: strings as they are, other JSON values in their JSON form. */
function cellText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The data API calls a program makes for `name`, as curl commands with their URLs. */
export function programCalls(m: Messages, origin: string, name: string) {
  const auth = `-H 'Authorization: Bearer ${m.datasets.keyPlaceholder}'`;
  const rows = `${origin}${datasetRowsPath(name, `limit=${kPageSize}&offset=0`)}`;
  const ndjson = `${origin}${datasetRowsPath(name, 'format=ndjson&limit=all')}`;
  const csv = `${origin}${datasetDownloadPath(name)}`;
  return [
    { id: 'rows', what: m.datasets.programRows, url: rows, command: `curl -fsS ${auth} '${rows}'` },
    {
      id: 'ndjson',
      what: m.datasets.programNdjson,
      url: ndjson,
      command: `curl -fsS ${auth} '${ndjson}'`,
    },
    { id: 'csv', what: m.datasets.programCsv, url: csv, command: `curl -fsS -OJ ${auth} '${csv}'` },
  ];
}

function Preview({ name }: { name: string }) {
  const { m, language } = useI18n();
  const [params, setParams] = useSearchParams();
  const offset = pageOffset(params.get('offset'));
  const rows = useDatasetRows(name, { offset, limit: kPageSize });
  const page = rows.data;
  const goTo = (next: number) =>
    setParams(next > 0 ? { offset: String(next) } : {}, { preventScrollReset: true });
  const range = page ? pageRange(page) : null;
  const hasNext = page ? page.offset + page.rows.length < page.total : false;

  return (
    <section className="card" aria-labelledby="dataset-preview">
      <h2 id="dataset-preview">{m.datasets.preview}</h2>
      {rows.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{rows.isError ? errorText(m, rows.error) : null}</ErrorAlert>
      {page && page.total === 0 ? <p>{m.datasets.previewEmpty}</p> : null}
      {page && page.rows.length > 0 ? (
        <div className="table-wrap preview-wrap">
          <table className="table preview-table" data-testid="dataset-preview">
            <thead>
              <tr>
                {page.columns.map((column) => (
                  <th scope="col" key={column.name}>
                    {column.name}
                    <span className="cell-sub">{column.type}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row, index) => (
                <tr key={page.offset + index}>
                  {page.columns.map((column) => {
                    const value = row[column.name];
                    return (
                      <td key={column.name}>
                        {value === null || value === undefined ? (
                          <span className="null-cell">{m.datasets.nullValue}</span>
                        ) : (
                          cellText(value)
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page && page.total > 0 ? (
        <nav className="pager" aria-label={m.datasets.pages}>
          <button
            type="button"
            className="button button-small"
            disabled={offset === 0 || rows.isFetching}
            onClick={() => goTo(Math.max(0, offset - kPageSize))}
          >
            {m.datasets.prev}
          </button>
          <span role="status" data-testid="dataset-range">
            {range && range.to >= range.from
              ? m.datasets.range(
                  formatNumber(language, range.from),
                  formatNumber(language, range.to),
                  formatNumber(language, page.total),
                )
              : null}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={!hasNext || rows.isFetching}
            onClick={() => goTo(offset + kPageSize)}
          >
            {m.datasets.next}
          </button>
        </nav>
      ) : null}
    </section>
  );
}

/** GET .../download of one version. */
function versionDownloadPath(name: string, version: string): string {
  return `${datasetDownloadPath(name)}?version=${encodeURIComponent(version)}`;
}

function Versions({ dataset }: { dataset: Dataset }) {
  const { m, language } = useI18n();
  const versions = useDatasetVersions(dataset.name);
  const list = versions.data?.versions;
  return (
    <section className="card" aria-labelledby="dataset-versions">
      <h2 id="dataset-versions">{m.datasets.versions}</h2>
      {versions.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{versions.isError ? errorText(m, versions.error) : null}</ErrorAlert>
      {list && list.length === 0 ? <p>{m.datasets.noVersions}</p> : null}
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="dataset-versions">
            <thead>
              <tr>
                <th scope="col">{m.datasets.version}</th>
                <th scope="col">{m.datasets.created}</th>
                <th scope="col">{m.datasets.rows}</th>
                <th scope="col">{m.datasets.bytes}</th>
                <th scope="col">{m.datasets.path}</th>
                <th scope="col">{m.common.actions}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((version) => (
                <tr key={version.version}>
                  <th scope="row" data-label={m.datasets.version}>
                    <span>
                      <code>{version.version}</code>{' '}
                      {version.version === versions.data?.current ? (
                        <span className="badge">{m.datasets.current}</span>
                      ) : null}
                      <span className="cell-sub">
                        {m.datasets.run} <code>{version.run_id}</code>
                      </span>
                    </span>
                  </th>
                  <td data-label={m.datasets.created}>
                    {formatDateTime(language, version.created_at)}
                  </td>
                  <td data-label={m.datasets.rows}>{formatNumber(language, version.rows)}</td>
                  <td data-label={m.datasets.bytes}>
                    {formatBytes(language, version.bytes, m.datasets.units)}
                  </td>
                  <td data-label={m.datasets.path}>
                    <span>
                      {version.storage}: <code>{version.path}</code>
                    </span>
                  </td>
                  <td data-label={m.common.actions}>
                    <a
                      className="button button-small"
                      href={versionDownloadPath(dataset.name, version.version)}
                      download
                    >
                      {m.datasets.download}
                      <span className="visually-hidden"> {version.version}</span>
                    </a>
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

function ProgramPanel({ name }: { name: string }) {
  const { m } = useI18n();
  const id = useId();
  const origin = globalThis.location?.origin ?? '';
  return (
    <section className="card" aria-labelledby={id} data-testid="dataset-program">
      <h2 id={id}>{m.datasets.program}</h2>
      <p>
        {m.datasets.programLead} <Link to="/account/api-keys">{m.account.apiKeysLink}</Link>
      </p>
      <ul className="program-list">
        {programCalls(m, origin, name).map((item) => (
          <li key={item.id}>
            <p id={`${id}-${item.id}`}>{item.what}</p>
            <p className="detail">
              <code className="wrap-anywhere">{item.url}</code>
            </p>
            <div className="code-row">
              <pre className="code-block" aria-labelledby={`${id}-${item.id}`}>
                <code data-testid={`program-${item.id}`}>{item.command}</code>
              </pre>
              <CopyButton text={item.command} what={item.what} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One dataset: facts, a paged preview of its rows, its versions, and how programs read it. */
export function DatasetPage() {
  const { m, language } = useI18n();
  const name = useParams().name ?? '';
  const dataset = useDataset(name);
  const missing = dataset.error instanceof ApiError && dataset.error.status === 404;
  const data = dataset.data;

  return (
    <section className="page">
      <p>
        <Link to="/datasets">← {m.datasets.back}</Link>
      </p>
      <div className="page-head">
        <h1>{name}</h1>
        {data ? (
          <a className="button button-primary" href={datasetDownloadPath(name)} download>
            {m.datasets.download}
          </a>
        ) : null}
      </div>
      {dataset.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>
        {missing ? m.datasets.notFound(name) : dataset.isError ? errorText(m, dataset.error) : null}
      </ErrorAlert>
      {data ? (
        <>
          <div className="card">
            <dl className="facts">
              <dt>{m.datasets.rows}</dt>
              <dd>{formatNumber(language, data.rows)}</dd>
              <dt>{m.datasets.bytes}</dt>
              <dd>{formatBytes(language, data.bytes, m.datasets.units)}</dd>
              <dt>{m.datasets.updated}</dt>
              <dd>{formatDateTime(language, data.updated_at)}</dd>
              <dt>{m.datasets.version}</dt>
              <dd>
                <code>{data.version}</code>
              </dd>
              <dt>{m.datasets.columns}</dt>
              <dd>{data.columns.map((column) => `${column.name} (${column.type})`).join(', ')}</dd>
            </dl>
          </div>
          <Preview name={name} />
          <Versions dataset={data} />
          <ProgramPanel name={name} />
        </>
      ) : null}
    </section>
  );
}
