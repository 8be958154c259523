import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { type JobFilters, useJobTypes, useJobs } from '../api/jobs';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { errorText } from '../components/errors';
import { SelectField, TextField } from '../components/Field';
import { JobRow } from '../components/jobs/JobRow';
import { useI18n } from '../i18n';

interface FilterDraft {
  type: string;
  tag: string;
  enabled: '' | 'true' | 'false';
}

const kNoFilters: FilterDraft = { type: '', tag: '', enabled: '' };

/** The filters to send: the form's fields with empty ones left out. */
export function toJobFilters(draft: FilterDraft): JobFilters {
  const filters: JobFilters = {};
  if (draft.type) filters.type = draft.type;
  if (draft.tag.trim()) filters.tag = draft.tag.trim();
  if (draft.enabled) filters.enabled = draft.enabled === 'true';
  return filters;
}

/**
 * Jobs by name, with their state, last run and next fire, paged with "load more". Editors
 * switch jobs on and off and create them; whoever may trigger runs has "Run now".
 */
export function JobsPage() {
  const { m } = useI18n();
  const me = useSignedIn();
  const canWrite = hasPermission(me, kPermission.jobsWrite);
  const canTrigger = hasPermission(me, kPermission.runsTrigger);
  const canReadRuns = hasPermission(me, kPermission.runsRead);
  const [draft, setDraft] = useState<FilterDraft>(kNoFilters);
  const [filters, setFilters] = useState<JobFilters>({});
  const location = useLocation();
  // A notice the previous page left (e.g. "Job x deleted.").
  const [notice, setNotice] = useState<string | null>(() => {
    const text = (location.state as { notice?: unknown } | null)?.notice;
    return typeof text === 'string' ? text : null;
  });
  const types = useJobTypes();
  const list = useJobs(filters);
  const jobs = list.data?.pages.flatMap((page) => page.jobs) ?? [];
  const filtered = Object.keys(filters).length > 0;

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilters(toJobFilters(draft));
  };
  const clear = () => {
    setDraft(kNoFilters);
    setFilters({});
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.jobs.title}</h1>
        {canWrite ? (
          <Link to="/jobs/new" className="button button-primary">
            {m.jobs.newJob}
          </Link>
        ) : null}
      </div>
      <p className="lead">{m.jobs.lead}</p>
      {canWrite ? null : <p className="field-hint">{m.jobs.readOnly}</p>}
      <form className="card filters" onSubmit={apply} aria-label={m.jobs.filters}>
        <SelectField
          label={m.jobs.type}
          name="type"
          value={draft.type}
          onChange={(e) => setDraft((d) => ({ ...d, type: e.target.value }))}
        >
          <option value="">{m.jobs.anyType}</option>
          {(types.data ?? []).map((type) => (
            <option key={type.name} value={type.name}>
              {m.jobs.typeNames[type.name] ?? type.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label={m.jobs.tag}
          name="tag"
          autoComplete="off"
          spellCheck={false}
          value={draft.tag}
          onChange={(e) => setDraft((d) => ({ ...d, tag: e.target.value }))}
        />
        <SelectField
          label={m.jobs.status}
          name="enabled"
          value={draft.enabled}
          onChange={(e) => {
            const value = e.target.value;
            const enabled = value === 'true' || value === 'false' ? value : '';
            setDraft((d) => ({ ...d, enabled }));
          }}
        >
          <option value="">{m.jobs.anyStatus}</option>
          <option value="true">{m.jobs.enabled}</option>
          <option value="false">{m.jobs.disabled}</option>
        </SelectField>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            {m.jobs.apply}
          </button>
          <button type="button" className="button" onClick={clear}>
            {m.jobs.clear}
          </button>
        </div>
      </form>
      <Notice>{notice}</Notice>
      {list.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>
        {list.isError && !list.isFetchNextPageError ? errorText(m, list.error) : null}
      </ErrorAlert>
      {list.isSuccess && jobs.length === 0 ? (
        <p>{filtered ? m.jobs.noMatch : m.jobs.empty}</p>
      ) : null}
      {jobs.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">{m.jobs.name}</th>
                <th scope="col">{m.jobs.type}</th>
                <th scope="col">{m.jobs.tags}</th>
                <th scope="col">{m.jobs.status}</th>
                {canReadRuns ? <th scope="col">{m.jobs.lastRun}</th> : null}
                <th scope="col">{m.jobs.nextFire}</th>
                {canTrigger ? <th scope="col">{m.common.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <JobRow
                  key={job.id}
                  job={job}
                  canWrite={canWrite}
                  canTrigger={canTrigger}
                  canReadRuns={canReadRuns}
                  onNotice={setNotice}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorAlert>{list.isFetchNextPageError ? errorText(m, list.error) : null}</ErrorAlert>
      {list.hasNextPage ? (
        <p className="load-more">
          <button
            type="button"
            className="button"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? m.jobs.loadingMore : m.jobs.loadMore}
          </button>
        </p>
      ) : null}
    </section>
  );
}
