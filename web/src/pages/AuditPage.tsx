import { type FormEvent, useState } from 'react';
import { type AuditEntry, type AuditFilters, useAuditLog } from '../api/audit';
import { ErrorAlert } from '../components/Alert';
import { errorText } from '../components/errors';
import { SelectField, TextField } from '../components/Field';
import { formatDateTime } from '../components/format';
import { useI18n } from '../i18n';

type Outcome = NonNullable<AuditFilters['outcome']>;
const kOutcomes: Outcome[] = ['success', 'failure', 'denied'];

interface Draft {
  actor: string;
  action: string;
  outcome: Outcome | '';
  from: string;
  to: string;
}

const kEmptyDraft: Draft = { actor: '', action: '', outcome: '', from: '', to: '' };

/** A datetime-local value ("2025-03-01T08:00", local time) in RFC 3339 (UTC). */
export function localToRfc3339(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The filters to send: the form's fields with empty ones left out. */
export function toFilters(draft: Draft): AuditFilters {
  const filters: AuditFilters = {};
  if (draft.actor.trim()) filters.actor = draft.actor.trim();
  if (draft.action.trim()) filters.action = draft.action.trim();
  if (draft.outcome) filters.outcome = draft.outcome;
  const from = localToRfc3339(draft.from);
  if (from) filters.from = from;
  const to = localToRfc3339(draft.to);
  if (to) filters.to = to;
  return filters;
}

function Details({ details }: { details: AuditEntry['details'] }) {
  if (!details || Object.keys(details).length === 0) return null;
  return <code className="details">{JSON.stringify(details)}</code>;
}

/** The audit log: newest first, with filters and "load more" paging. */
export function AuditPage() {
  const { m, language } = useI18n();
  const [draft, setDraft] = useState<Draft>(kEmptyDraft);
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useAuditLog(filters);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const set = (field: keyof Draft) => (value: string) =>
    setDraft((d) => ({ ...d, [field]: value }));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilters(toFilters(draft));
  };
  const clear = () => {
    setDraft(kEmptyDraft);
    setFilters({});
  };

  return (
    <section className="page">
      <h1>{m.audit.title}</h1>
      <p className="lead">{m.audit.lead}</p>
      <form className="card filters" onSubmit={apply} aria-label={m.audit.filters}>
        <TextField
          label={m.audit.actor}
          name="actor"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          hint={m.audit.actorHint}
          value={draft.actor}
          onChange={(e) => set('actor')(e.target.value)}
        />
        <TextField
          label={m.audit.action}
          name="action"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          hint={m.audit.actionHint}
          value={draft.action}
          onChange={(e) => set('action')(e.target.value)}
        />
        <SelectField
          label={m.audit.outcome}
          name="outcome"
          value={draft.outcome}
          onChange={(e) => set('outcome')(e.target.value)}
        >
          <option value="">{m.audit.anyOutcome}</option>
          {kOutcomes.map((outcome) => (
            <option key={outcome} value={outcome}>
              {m.audit.outcomes[outcome]}
            </option>
          ))}
        </SelectField>
        <TextField
          label={m.audit.from}
          name="from"
          type="datetime-local"
          value={draft.from}
          onChange={(e) => set('from')(e.target.value)}
        />
        <TextField
          label={m.audit.to}
          name="to"
          type="datetime-local"
          value={draft.to}
          onChange={(e) => set('to')(e.target.value)}
        />
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            {m.audit.apply}
          </button>
          <button type="button" className="button" onClick={clear}>
            {m.audit.clear}
          </button>
        </div>
      </form>
      {log.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>
        {log.isError && !log.isFetchNextPageError ? errorText(m, log.error) : null}
      </ErrorAlert>
      {log.isSuccess && entries.length === 0 ? <p>{m.audit.empty}</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{m.audit.time}</th>
                <th scope="col">{m.audit.actor}</th>
                <th scope="col">{m.audit.action}</th>
                <th scope="col">{m.audit.target}</th>
                <th scope="col">{m.audit.outcome}</th>
                <th scope="col">{m.audit.address}</th>
                <th scope="col">{m.audit.details}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.seq} data-testid="audit-entry" data-action={entry.action}>
                  <td data-label={m.audit.time}>
                    <time dateTime={entry.at}>{formatDateTime(language, entry.at)}</time>
                  </td>
                  <td data-label={m.audit.actor}>
                    {entry.actor_name}
                    {entry.actor_kind !== 'user' ? (
                      <span className="cell-sub">{m.audit.actorKinds[entry.actor_kind]}</span>
                    ) : null}
                  </td>
                  <td data-label={m.audit.action}>
                    <code>{entry.action}</code>
                  </td>
                  <td data-label={m.audit.target}>
                    {entry.target_type}
                    {entry.target_id ? <span className="cell-sub">{entry.target_id}</span> : null}
                  </td>
                  <td data-label={m.audit.outcome}>
                    <span
                      className={
                        entry.outcome === 'success' ? 'status status-good' : 'status status-bad'
                      }
                    >
                      {m.audit.outcomes[entry.outcome]}
                    </span>
                  </td>
                  <td data-label={m.audit.address}>{entry.remote_address}</td>
                  <td data-label={m.audit.details}>
                    <Details details={entry.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorAlert>{log.isFetchNextPageError ? errorText(m, log.error) : null}</ErrorAlert>
      {log.hasNextPage ? (
        <p className="load-more">
          <button
            type="button"
            className="button"
            disabled={log.isFetchingNextPage}
            onClick={() => void log.fetchNextPage()}
          >
            {log.isFetchingNextPage ? m.audit.loadingMore : m.audit.loadMore}
          </button>
        </p>
      ) : null}
      {log.isSuccess && !log.hasNextPage && entries.length > 0 ? (
        <p className="detail">{m.audit.end}</p>
      ) : null}
    </section>
  );
}
