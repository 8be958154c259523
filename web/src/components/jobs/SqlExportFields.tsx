// The form of a sql_export job's config: where the query runs, the query itself, where the CSV
// goes and how, and the dataset it becomes. Each control shows the API's error for its path.
import type { FieldErrors } from '../../jobs/fieldErrors';
import { type SqlExportDraft, kExportModes, kExportPeriods } from '../../jobs/sqlExportDraft';
import { isBuiltInParameter, queryParameters } from '../../jobs/sqlTokenizer';
import { timeZones, withZone } from '../../jobs/timeZones';
import { useI18n } from '../../i18n';
import { CheckboxField } from '../CheckboxField';
import { SelectField, TextField } from '../Field';
import { ConnectionSelect } from './ConnectionSelect';
import { CsvOptionsFields } from './CsvOptionsFields';
import { SqlEditor } from './SqlEditor';

/** What each :parameter of the query is: filled in by the runner, declared, or neither. */
function QueryParameters({ query, declared }: { query: string; declared: string[] }) {
  const { m } = useI18n();
  const t = m.jobs.sql;
  const names = queryParameters(query);
  if (names.length === 0) return null;
  return (
    <div className="field" data-testid="query-parameters">
      <span className="field-label">{t.queryParameters}</span>
      <ul className="chip-list">
        {names.map((name) => {
          const known = declared.includes(name);
          const state = known ? t.declared : isBuiltInParameter(name) ? t.builtIn : t.undeclared;
          return (
            <li key={name} className={known || isBuiltInParameter(name) ? 'chip' : 'chip chip-bad'}>
              <code>:{name}</code> {state}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function SqlExportFields({
  draft,
  onChange,
  errors,
  declaredParameters,
}: {
  draft: SqlExportDraft;
  onChange: (draft: SqlExportDraft) => void;
  errors: FieldErrors;
  declaredParameters: string[];
}) {
  const { m } = useI18n();
  const t = m.jobs.sql;
  const set = (change: Partial<SqlExportDraft>) => onChange({ ...draft, ...change });
  const at = (path: string) => errors.at(`config.${path}`);
  const optional = (label: string) => `${label} ${m.common.optional}`;
  return (
    <>
      <section className="card form" aria-labelledby="sql-export-title">
        <h2 id="sql-export-title">{t.title}</h2>
        <p className="field-hint">{t.lead}</p>
        <ConnectionSelect
          use="sql"
          label={t.connection}
          name="config.connection"
          required
          value={draft.connection}
          onChange={(connection) => set({ connection })}
          emptyOption={t.chooseConnection}
          noneText={t.noSqlConnections}
          hint={t.connectionHint}
          error={at('connection')}
        />
        <SqlEditor
          label={t.query}
          name="config.query"
          required
          value={draft.query}
          onChange={(query) => set({ query })}
          hint={t.queryHint}
          error={at('query')}
        />
        <QueryParameters query={draft.query} declared={declaredParameters} />
        <div className="form-grid">
          <SelectField
            label={t.timezone}
            name="config.timezone"
            value={draft.timezone}
            onChange={(e) => set({ timezone: e.target.value })}
            hint={t.timezoneHint}
            error={at('timezone')}
          >
            <option value="">{t.timezoneDefault}</option>
            {withZone(timeZones(), draft.timezone).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </SelectField>
          <TextField
            label={optional(t.daysOffset)}
            name="config.days_offset"
            type="number"
            inputMode="numeric"
            min={0}
            max={3660}
            step={1}
            value={draft.daysOffset}
            onChange={(e) => set({ daysOffset: e.target.value })}
            hint={t.daysOffsetHint}
            error={at('days_offset')}
          />
          <TextField
            label={optional(t.statementTimeout)}
            name="config.statement_timeout_seconds"
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            value={draft.statementTimeoutSeconds}
            onChange={(e) => set({ statementTimeoutSeconds: e.target.value })}
            hint={t.statementTimeoutHint}
            error={at('statement_timeout_seconds')}
          />
        </div>
        <CheckboxField
          label={t.readOnly}
          checked={draft.readOnly}
          onChange={(e) => set({ readOnly: e.target.checked })}
          error={at('read_only')}
        />
      </section>
      <section className="card form" aria-labelledby="sql-export-output">
        <h2 id="sql-export-output">{t.output}</h2>
        <ConnectionSelect
          use="storage"
          label={t.storage}
          name="config.output.storage"
          value={draft.storage}
          onChange={(storage) => set({ storage })}
          emptyOption={t.storageDefault}
          hint={t.storageHint}
          error={at('output.storage')}
        />
        <div className="form-grid">
          <TextField
            label={optional(t.dataset)}
            name="config.dataset"
            autoComplete="off"
            spellCheck={false}
            value={draft.dataset}
            onChange={(e) => set({ dataset: e.target.value })}
            hint={t.datasetHint}
            error={at('dataset')}
          />
          <TextField
            label={optional(t.keepVersions)}
            name="config.keep_versions"
            type="number"
            inputMode="numeric"
            min={1}
            max={1000}
            step={1}
            value={draft.keepVersions}
            onChange={(e) => set({ keepVersions: e.target.value })}
            hint={t.keepVersionsHint}
            error={at('keep_versions')}
          />
        </div>
        <TextField
          label={optional(t.path)}
          name="config.output.path"
          autoComplete="off"
          spellCheck={false}
          placeholder="{dataset}.csv"
          value={draft.path}
          onChange={(e) => set({ path: e.target.value })}
          hint={t.pathHint}
          error={at('output.path')}
        />
        <SelectField
          label={t.mode}
          name="config.output.mode"
          value={draft.mode}
          onChange={(e) =>
            set({ mode: kExportModes.find((x) => x === e.target.value) ?? 'overwrite' })
          }
          error={at('output.mode')}
        >
          {kExportModes.map((mode) => (
            <option key={mode} value={mode}>
              {t.modes[mode] ?? mode}
            </option>
          ))}
        </SelectField>
        {draft.mode === 'accumulate' ? (
          <AccumulateFields draft={draft} set={set} errors={errors} />
        ) : null}
        {draft.mode === 'per_period' ? (
          <SelectField
            label={t.period}
            name="config.output.period"
            value={draft.period}
            onChange={(e) =>
              set({ period: kExportPeriods.find((x) => x === e.target.value) ?? 'month' })
            }
            hint={t.periodHint}
            error={at('output.period')}
          >
            {kExportPeriods.map((period) => (
              <option key={period} value={period}>
                {t.periods[period] ?? period}
              </option>
            ))}
          </SelectField>
        ) : null}
      </section>
      <CsvOptionsFields csv={draft.csv} onChange={(csv) => set({ csv })} errors={errors} />
    </>
  );
}

/** Accumulate replaces old rows either by key columns or from a date on. */
function AccumulateFields({
  draft,
  set,
  errors,
}: {
  draft: SqlExportDraft;
  set: (change: Partial<SqlExportDraft>) => void;
  errors: FieldErrors;
}) {
  const { m } = useI18n();
  const t = m.jobs.sql;
  return (
    <>
      <fieldset className="radio-group">
        <legend>{t.accumulateBy}</legend>
        <label>
          <input
            type="radio"
            name="accumulate-by"
            checked={draft.accumulateBy === 'key'}
            onChange={() => set({ accumulateBy: 'key' })}
          />
          {t.byKey}
        </label>
        <label>
          <input
            type="radio"
            name="accumulate-by"
            checked={draft.accumulateBy === 'date_column'}
            onChange={() => set({ accumulateBy: 'date_column' })}
          />
          {t.byDate}
        </label>
      </fieldset>
      {draft.accumulateBy === 'key' ? (
        <TextField
          label={t.key}
          name="config.output.key"
          autoComplete="off"
          spellCheck={false}
          value={draft.key}
          onChange={(e) => set({ key: e.target.value })}
          hint={t.keyHint}
          error={errors.at('config.output.key')}
        />
      ) : (
        <TextField
          label={t.dateColumn}
          name="config.output.date_column"
          autoComplete="off"
          spellCheck={false}
          value={draft.dateColumn}
          onChange={(e) => set({ dateColumn: e.target.value })}
          hint={t.dateColumnHint}
          // "Needs a key or a date_column" is named config.output.key; this is the field shown.
          error={errors.at('config.output.date_column') ?? errors.at('config.output.key')}
        />
      )}
    </>
  );
}
