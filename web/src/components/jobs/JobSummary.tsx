// A job for people who may not change it: the same information as the editor, as text.
import type { ReactNode } from 'react';
import type { Job } from '../../api/jobs';
import { matchingPreset } from '../../jobs/csvOptions';
import { kSqlExport } from '../../jobs/jobDraft';
import { sqlExportDraftOf } from '../../jobs/sqlExportDraft';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../format';
import { JobState } from './JobEnabledSwitch';
import { SqlView } from './SqlEditor';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function SqlExportSummary({ config }: { config: Job['config'] }) {
  const { m } = useI18n();
  const t = m.jobs.sql;
  const c = m.jobs.csv;
  const d = sqlExportDraftOf(config);
  const preset = matchingPreset(d.csv);
  const presetName = (name: string) => (name === 'excel_br' ? c.excelBr : c.rfc4180);
  return (
    <section className="card" aria-labelledby="job-sql-summary">
      <h2 id="job-sql-summary">{t.title}</h2>
      <dl className="facts">
        <Fact label={t.connection}>{d.connection}</Fact>
        <Fact label={t.storage}>{d.storage || t.storageDefault}</Fact>
        <Fact label={t.dataset}>{d.dataset || '—'}</Fact>
        <Fact label={t.path}>
          <code>{d.path || '{dataset}.csv'}</code>
        </Fact>
        <Fact label={t.mode}>{t.modes[d.mode] ?? d.mode}</Fact>
        {d.mode === 'accumulate' ? (
          <Fact label={t.accumulateBy}>{d.accumulateBy === 'key' ? d.key : d.dateColumn}</Fact>
        ) : null}
        {d.mode === 'per_period' ? <Fact label={t.period}>{t.periods[d.period]}</Fact> : null}
        <Fact label={c.title}>
          {preset ? presetName(preset) : c.custom(presetName(d.csv.preset))}
          {d.csv.gzip ? `, ${c.gzip}` : ''}
        </Fact>
        <Fact label={t.timezone}>{d.timezone || t.timezoneDefault}</Fact>
      </dl>
      <h3>{t.query}</h3>
      <SqlView text={d.query} label={t.query} />
    </section>
  );
}

export function JobSummary({ job }: { job: Job }) {
  const { m, language } = useI18n();
  const t = m.jobs.editor;
  const p = m.jobs.parameters;
  const policies = job.policies;
  const parameters = job.parameters ?? [];
  return (
    <>
      <section className="card" aria-labelledby="job-summary">
        <h2 id="job-summary">{t.general}</h2>
        <dl className="facts">
          <Fact label={m.jobs.name}>{job.name}</Fact>
          <Fact label={m.jobs.type}>{m.jobs.typeNames[job.type] ?? job.type}</Fact>
          <Fact label={t.description}>{job.description || '—'}</Fact>
          <Fact label={m.jobs.tags}>{(job.tags ?? []).join(', ') || '—'}</Fact>
          <Fact label={m.jobs.status}>
            <JobState job={job} />
          </Fact>
          <Fact label={t.version}>{job.version}</Fact>
          <Fact label={t.updated}>
            {t.updatedBy(job.updated_by, formatDateTime(language, job.updated_at))}
          </Fact>
        </dl>
      </section>
      {job.type === kSqlExport ? (
        <SqlExportSummary config={job.config} />
      ) : (
        <section className="card" aria-labelledby="job-config-summary">
          <h2 id="job-config-summary">{m.jobs.config.title}</h2>
          <pre className="code-view">{JSON.stringify(job.config ?? {}, null, 2)}</pre>
        </section>
      )}
      <section className="card" aria-labelledby="job-parameters-summary">
        <h2 id="job-parameters-summary">{p.title}</h2>
        {parameters.length === 0 ? (
          <p>{p.none}</p>
        ) : (
          <div className="table-wrap">
            <table className="table responsive-table">
              <thead>
                <tr>
                  <th scope="col">{p.name}</th>
                  <th scope="col">{p.type}</th>
                  <th scope="col">{p.default}</th>
                  <th scope="col">{p.required}</th>
                  <th scope="col">{p.description}</th>
                </tr>
              </thead>
              <tbody>
                {parameters.map((parameter) => (
                  <tr key={parameter.name}>
                    <th scope="row" data-label={p.name}>
                      <code>{parameter.name}</code>
                    </th>
                    <td data-label={p.type}>{p.types[parameter.type] ?? parameter.type}</td>
                    <td data-label={p.default}>
                      {parameter.default === undefined || parameter.default === null
                        ? '—'
                        : String(parameter.default)}
                    </td>
                    <td data-label={p.required}>{parameter.required ? t.yes : t.no}</td>
                    <td data-label={p.description}>{parameter.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {policies ? (
        <section className="card" aria-labelledby="job-policies-summary">
          <h2 id="job-policies-summary">{m.jobs.policies.title}</h2>
          <dl className="facts">
            <Fact label={m.jobs.policies.timeout}>{policies.timeout_seconds}</Fact>
            <Fact label={m.jobs.policies.retries}>{policies.retries?.count ?? 0}</Fact>
            <Fact label={m.jobs.policies.backoff}>{policies.retries?.backoff_seconds ?? 30}</Fact>
            <Fact label={m.jobs.policies.overlap}>
              {m.jobs.policies.overlaps[policies.overlap] ?? policies.overlap}
            </Fact>
          </dl>
        </section>
      ) : null}
    </>
  );
}
