// The job's run policies the form shows: timeout, retries with their first wait, and what
// happens when runs overlap. Other policy fields are kept as stored (PoliciesDraft.base).
import type { FieldErrors } from '../../jobs/fieldErrors';
import { type PoliciesDraft, kOverlapPolicies } from '../../jobs/jobDraft';
import { useI18n } from '../../i18n';
import { SelectField, TextField } from '../Field';

export function PoliciesFields({
  policies,
  onChange,
  errors,
}: {
  policies: PoliciesDraft;
  onChange: (policies: PoliciesDraft) => void;
  errors: FieldErrors;
}) {
  const { m } = useI18n();
  const t = m.jobs.policies;
  const set = (change: Partial<PoliciesDraft>) => onChange({ ...policies, ...change });
  const number = { type: 'number', inputMode: 'numeric' as const, min: 0, step: 1 };
  return (
    <section className="card form" aria-labelledby="job-policies">
      <h2 id="job-policies">{t.title}</h2>
      <div className="form-grid">
        <TextField
          label={`${t.timeout} ${m.common.optional}`}
          name="policies.timeout_seconds"
          {...number}
          value={policies.timeoutSeconds}
          onChange={(e) => set({ timeoutSeconds: e.target.value })}
          hint={t.timeoutHint}
          error={errors.at('policies.timeout_seconds')}
        />
        <TextField
          label={`${t.retries} ${m.common.optional}`}
          name="policies.retries.count"
          {...number}
          max={20}
          value={policies.retries}
          onChange={(e) => set({ retries: e.target.value })}
          hint={t.retriesHint}
          error={errors.at('policies.retries.count')}
        />
        <TextField
          label={`${t.backoff} ${m.common.optional}`}
          name="policies.retries.backoff_seconds"
          {...number}
          value={policies.backoffSeconds}
          onChange={(e) => set({ backoffSeconds: e.target.value })}
          hint={t.backoffHint}
          error={errors.at('policies.retries.backoff_seconds')}
        />
        <SelectField
          label={t.overlap}
          name="policies.overlap"
          value={policies.overlap}
          onChange={(e) =>
            set({ overlap: kOverlapPolicies.find((x) => x === e.target.value) ?? 'queue' })
          }
          error={errors.at('policies.overlap')}
        >
          {kOverlapPolicies.map((overlap) => (
            <option key={overlap} value={overlap}>
              {t.overlaps[overlap] ?? overlap}
            </option>
          ))}
        </SelectField>
        {policies.overlap === 'allow' ? (
          <TextField
            label={t.maxConcurrent}
            name="policies.max_concurrent"
            {...number}
            min={1}
            max={100}
            value={policies.maxConcurrent}
            onChange={(e) => set({ maxConcurrent: e.target.value })}
            error={errors.at('policies.max_concurrent')}
          />
        ) : null}
      </div>
    </section>
  );
}
