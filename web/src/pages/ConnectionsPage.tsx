import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api/client';
import {
  type Connection,
  type ConnectionKind,
  type ConnectionKindField,
  type ConnectionKindInfo,
  type ConnectionTestResult,
  type CreateConnectionRequest,
  type UpdateConnectionRequest,
  useConnectionKinds,
  useConnections,
  useCreateConnection,
  useDeleteConnection,
  useTestConnection,
  useTestConnectionDraft,
  useUpdateConnection,
} from '../api/connections';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { errorText, formErrors } from '../components/errors';
import { SelectField, TextField } from '../components/Field';
import { formatDateTime } from '../components/format';
import { type Messages, useI18n } from '../i18n';

/** What the connection form holds: every value as the text of its control. */
export interface ConnectionDraft {
  name: string;
  kind: ConnectionKind;
  description: string;
  /** Plain fields by name. */
  settings: Record<string, string>;
  /** Secret values typed in; empty means "keep" when editing, "none" when creating. */
  secrets: Record<string, string>;
  /** Stored secrets to remove on save (editing only). */
  clear: Record<string, boolean>;
}

function defaultText(field: ConnectionKindField): string {
  return field.default === undefined ? '' : String(field.default);
}

/**
 * A new draft of `kind`: its defaults filled in, keeping the values of same-named fields of
 * `from` (the draft before the kind changed).
 */
export function newDraft(kind: ConnectionKindInfo, from?: ConnectionDraft): ConnectionDraft {
  const settings: Record<string, string> = {};
  for (const field of kind.fields) {
    if (field.secret) continue;
    settings[field.name] = from?.settings[field.name] || defaultText(field);
  }
  return {
    name: from?.name ?? '',
    kind: kind.name,
    description: from?.description ?? '',
    settings,
    secrets: {},
    clear: {},
  };
}

/** The draft of a stored connection: its settings as text, no secret values. */
export function draftOf(connection: Connection): ConnectionDraft {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(connection.settings as Record<string, unknown>)) {
    if (value !== null && value !== undefined) settings[key] = String(value);
  }
  return {
    name: connection.name,
    kind: connection.kind,
    description: connection.description,
    settings,
    secrets: {},
    clear: {},
  };
}

/**
 * The `settings` of a request: empty fields are left out (the server fills in defaults), and
 * integer fields are sent as numbers when they are one (anything else is sent as typed, for
 * the server to name the field).
 */
export function settingsBody(
  kind: ConnectionKindInfo,
  draft: ConnectionDraft,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const field of kind.fields) {
    if (field.secret) continue;
    const text = (draft.settings[field.name] ?? '').trim();
    if (text === '') continue;
    out[field.name] = field.type === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text;
  }
  return out;
}

/**
 * The `secrets` of a request: a typed value sets the secret; when editing, a secret marked
 * to clear is sent as null and one left empty is left out (the stored value stays).
 */
export function secretsBody(
  kind: ConnectionKindInfo,
  draft: ConnectionDraft,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of kind.fields) {
    if (!field.secret) continue;
    const value = draft.secrets[field.name] ?? '';
    if (draft.clear[field.name]) out[field.name] = null;
    else if (value !== '') out[field.name] = value;
  }
  return out;
}

/** The body of POST /connections (and of a draft test of a new connection). */
export function createBody(kind: ConnectionKindInfo, draft: ConnectionDraft) {
  const secrets = secretsBody(kind, draft);
  const body: Record<string, unknown> = {
    name: draft.name.trim(),
    kind: kind.name,
    settings: settingsBody(kind, draft),
  };
  if (draft.description.trim()) body.description = draft.description.trim();
  if (Object.keys(secrets).length > 0) body.secrets = secrets;
  // The form is built from GET /connection-kinds at run time; the server checks the fields.
  return body as CreateConnectionRequest;
}

/** The body of PUT /connections/{id}: secrets left empty are not sent, so they are kept. */
export function updateBody(kind: ConnectionKindInfo, draft: ConnectionDraft) {
  const secrets = secretsBody(kind, draft);
  const body: Record<string, unknown> = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    settings: settingsBody(kind, draft),
  };
  if (Object.keys(secrets).length > 0) body.secrets = secrets;
  return body as UpdateConnectionRequest;
}

/** The request field a control's errors are reported under, e.g. "settings.host". */
export function fieldKey(field: ConnectionKindField): string {
  return `${field.secret ? 'secrets' : 'settings'}.${field.name}`;
}

/** Like formErrors, and a name conflict (409) is an error of the name field. */
function connectionErrors(m: Messages, error: unknown, fields: readonly string[]) {
  if (error instanceof ApiError && error.status === 409) {
    return { field: { name: error.message } as Partial<Record<string, string>>, form: null };
  }
  return formErrors(m, error, fields);
}

function fieldLabel(m: Messages, field: ConnectionKindField): string {
  return m.connections.fieldLabels[field.name] ?? field.name;
}

/** `text` as a sentence: capitalised, ending in a full stop (the server's help is a phrase). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?;)]$/.test(capital) ? capital : `${capital}.`;
}

function fieldHelp(m: Messages, kind: ConnectionKind, field: ConnectionKindField): string {
  return sentence(m.connections.fieldHelp[`${kind}.${field.name}`] ?? field.help);
}

export function kindDescription(m: Messages, kind: ConnectionKindInfo): string {
  return m.connections.kindDescriptions[kind.name] ?? kind.description;
}

/** A sentence for a test's outcome, and whether it is good news. */
function testText(m: Messages, result: ConnectionTestResult) {
  return result.ok
    ? m.connections.testOk(result.message, result.elapsed_ms)
    : m.connections.testFailed(result.message, result.elapsed_ms);
}

function TestResult({ result }: { result: ConnectionTestResult | null }) {
  const { m } = useI18n();
  return (
    <p
      role="status"
      data-testid="connection-test-result"
      data-ok={result ? String(result.ok) : undefined}
      className={
        result ? (result.ok ? 'alert alert-good' : 'alert alert-error') : 'visually-hidden'
      }
    >
      {result ? testText(m, result) : null}
    </p>
  );
}

interface SecretFieldProps {
  field: ConnectionKindField;
  label: string;
  help: string;
  /** Whether a value is stored; undefined when creating. */
  stored: boolean | undefined;
  value: string;
  cleared: boolean;
  error: string | undefined;
  onChange: (value: string) => void;
  onClear: (clear: boolean) => void;
}

/**
 * A write-only secret: a password input that starts empty. When editing it says whether a
 * value is stored; empty keeps it, "Clear" removes it on save.
 */
function SecretField(props: SecretFieldProps) {
  const { m } = useI18n();
  const id = useId();
  const editing = props.stored !== undefined;
  const state = props.stored ? m.connections.secretSet : m.connections.secretNotSet;
  const hints = [
    props.help,
    editing ? (props.stored ? m.connections.secretStored : m.connections.secretNotStored) : null,
    editing ? (props.cleared ? m.connections.secretCleared : m.connections.secretKeepHint) : null,
  ].filter(Boolean);
  const describedBy = [`${id}-hint`, props.error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-row secret-row">
        <input
          id={id}
          type="password"
          name={`secrets.${props.field.name}`}
          autoComplete="new-password"
          value={props.cleared ? '' : props.value}
          disabled={props.cleared}
          aria-describedby={describedBy}
          aria-invalid={props.error ? true : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {editing ? (
          // Said in the hint too, which the input is described by.
          <span
            className={props.stored ? 'status status-good' : 'status'}
            data-testid={`secret-state-${props.field.name}`}
            aria-hidden="true"
          >
            {state}
          </span>
        ) : null}
        {editing && props.stored ? (
          <button
            type="button"
            className="button button-small"
            aria-pressed={props.cleared}
            onClick={() => props.onClear(!props.cleared)}
          >
            {props.cleared ? m.connections.undoClear : m.connections.clearSecret}
            <span className="visually-hidden"> {props.label}</span>
          </button>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="field-hint">
        {hints.join(' ')}
      </p>
      {props.error ? (
        <p id={`${id}-error`} className="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

function KindFields({
  kind,
  draft,
  stored,
  errors,
  onChange,
}: {
  kind: ConnectionKindInfo;
  draft: ConnectionDraft;
  /** The stored connection's secrets (set or not), when editing. */
  stored: Record<string, boolean> | undefined;
  errors: Partial<Record<string, string>>;
  onChange: (draft: ConnectionDraft) => void;
}) {
  const { m } = useI18n();
  return (
    <>
      {kind.fields.map((field) => {
        const label = fieldLabel(m, field);
        const help = fieldHelp(m, kind.name, field);
        const error = errors[fieldKey(field)];
        if (field.secret) {
          return (
            <SecretField
              key={field.name}
              field={field}
              label={label}
              help={help}
              stored={stored ? (stored[field.name] ?? false) : undefined}
              value={draft.secrets[field.name] ?? ''}
              cleared={draft.clear[field.name] ?? false}
              error={error}
              onChange={(value) =>
                onChange({ ...draft, secrets: { ...draft.secrets, [field.name]: value } })
              }
              onClear={(clear) =>
                onChange({
                  ...draft,
                  clear: { ...draft.clear, [field.name]: clear },
                  secrets: { ...draft.secrets, [field.name]: '' },
                })
              }
            />
          );
        }
        const value = draft.settings[field.name] ?? '';
        const set = (text: string) =>
          onChange({ ...draft, settings: { ...draft.settings, [field.name]: text } });
        const shownLabel = field.required ? label : `${label} ${m.common.optional}`;
        const hint =
          field.default !== undefined && field.type !== 'choice'
            ? `${help} ${m.connections.defaultValue(String(field.default))}`
            : help;
        if (field.type === 'choice') {
          return (
            <SelectField
              key={field.name}
              label={label}
              name={fieldKey(field)}
              value={value}
              onChange={(e) => set(e.target.value)}
              hint={help}
              error={error}
            >
              {field.required || field.default !== undefined ? null : <option value="" />}
              {(field.choices ?? []).map((choice) => (
                <option key={choice} value={choice}>
                  {choice === field.default ? m.connections.useDefault(choice) : choice}
                </option>
              ))}
            </SelectField>
          );
        }
        return (
          <TextField
            key={field.name}
            label={shownLabel}
            name={fieldKey(field)}
            autoComplete="off"
            spellCheck={false}
            required={field.required}
            {...(field.type === 'integer'
              ? {
                  type: 'number',
                  inputMode: 'numeric' as const,
                  min: field.min,
                  max: field.max,
                  step: 1,
                }
              : {})}
            value={value}
            onChange={(e) => set(e.target.value)}
            hint={hint}
            error={error}
          />
        );
      })}
    </>
  );
}

function ConnectionDialog({
  connection,
  onClose,
  onSaved,
}: {
  /** The connection to edit; absent to create one. */
  connection?: Connection;
  onClose: () => void;
  onSaved: (text: string) => void;
}) {
  const { m } = useI18n();
  const kinds = useConnectionKinds();
  const create = useCreateConnection();
  const update = useUpdateConnection();
  const test = useTestConnectionDraft();
  const [draft, setDraft] = useState<ConnectionDraft | null>(
    connection ? draftOf(connection) : null,
  );
  const [tested, setTested] = useState<ConnectionTestResult | null>(null);

  const title = connection ? m.connections.editTitle(connection.name) : m.connections.createTitle;
  const firstKind = kinds.data?.[0];
  const current = draft ?? (firstKind ? newDraft(firstKind) : null);
  const kind = kinds.data?.find((k) => k.name === current?.kind);
  const save = connection ? update : create;

  if (!current || !kind) {
    return (
      <Dialog title={title} onClose={onClose}>
        {kinds.isPending ? <p role="status">{m.connections.kindsLoading}</p> : null}
        <ErrorAlert>{kinds.isError ? errorText(m, kinds.error) : null}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
        </div>
      </Dialog>
    );
  }

  const fields = ['name', 'kind', 'description', ...kind.fields.map(fieldKey)];
  const errors = connectionErrors(m, save.error ?? test.error, fields);
  const change = (next: ConnectionDraft) => {
    setDraft(next);
    setTested(null);
  };

  const runTest = () => {
    save.reset();
    setTested(null);
    const body = connection
      ? { connection: updateBody(kind, current), base_id: connection.id }
      : { connection: createBody(kind, current) };
    test.mutate(body, { onSuccess: setTested });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    test.reset();
    if (connection) {
      update.mutate(
        { id: connection.id, body: updateBody(kind, current) },
        { onSuccess: (saved) => onSaved(m.connections.updatedNotice(saved.name)) },
      );
    } else {
      create.mutate(createBody(kind, current), {
        onSuccess: (saved) => onSaved(m.connections.created(saved.name)),
      });
    }
  };

  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <TextField
          label={m.connections.name}
          name="name"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus
          value={current.name}
          onChange={(e) => change({ ...current, name: e.target.value })}
          hint={m.connections.nameHint}
          error={errors.field.name}
        />
        <SelectField
          label={m.connections.kindLabel}
          name="kind"
          value={kind.name}
          disabled={connection !== undefined}
          onChange={(e) => {
            const next = kinds.data?.find((k) => k.name === e.target.value);
            if (next) change(newDraft(next, current));
          }}
          hint={kindDescription(m, kind)}
          error={errors.field.kind}
        >
          {(connection ? [kind] : (kinds.data ?? [])).map((k) => (
            <option key={k.name} value={k.name}>
              {m.connections.kinds[k.name]}
            </option>
          ))}
        </SelectField>
        <TextField
          label={`${m.connections.description} ${m.common.optional}`}
          name="description"
          autoComplete="off"
          value={current.description}
          onChange={(e) => change({ ...current, description: e.target.value })}
          error={errors.field.description}
        />
        <KindFields
          kind={kind}
          draft={current}
          stored={connection?.secrets}
          errors={errors.field}
          onChange={change}
        />
        <TestResult result={tested} />
        <ErrorAlert>{errors.form}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="button" className="button" onClick={runTest} disabled={test.isPending}>
            {test.isPending ? m.connections.testing : m.connections.testDraft}
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending
              ? connection
                ? m.common.saving
                : m.connections.creating
              : connection
                ? m.common.save
                : m.connections.createSubmit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({
  connection,
  onClose,
  onDone,
}: {
  connection: Connection;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const remove = useDeleteConnection();
  return (
    <ConfirmDialog
      title={m.connections.deleteTitle(connection.name)}
      body={m.connections.deleteBody}
      confirmLabel={m.connections.delete}
      danger
      pending={remove.isPending}
      error={remove.isError ? errorText(m, remove.error) : null}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(connection.id, {
          onSuccess: () => onDone(m.connections.deleted(connection.name)),
        })
      }
    />
  );
}

type Editing = { mode: 'create' } | { mode: 'edit'; connection: Connection } | null;

/** Connections: everyone who may read them sees the list; editors create, edit, test, delete. */
export function ConnectionsPage() {
  const { m, language } = useI18n();
  const me = useSignedIn();
  const canWrite = hasPermission(me, kPermission.connectionsWrite);
  const connections = useConnections();
  const testOne = useTestConnection();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rowTest, setRowTest] = useState<{ name: string; result: ConnectionTestResult } | null>(
    null,
  );

  const start = (next: Editing) => {
    setNotice(null);
    setRowTest(null);
    setEditing(next);
  };
  const runTest = (connection: Connection) => {
    setNotice(null);
    setRowTest(null);
    testOne.mutate(connection.id, {
      onSuccess: (result) => setRowTest({ name: connection.name, result }),
    });
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.connections.title}</h1>
        {canWrite ? (
          <button
            type="button"
            className="button button-primary"
            onClick={() => start({ mode: 'create' })}
          >
            {m.connections.create}
          </button>
        ) : null}
      </div>
      <p className="lead">{m.connections.lead}</p>
      {canWrite ? null : <p className="field-hint">{m.connections.readOnly}</p>}
      <Notice>{notice}</Notice>
      {rowTest ? (
        <p
          role="status"
          data-testid="connection-test-result"
          data-ok={String(rowTest.result.ok)}
          className={rowTest.result.ok ? 'alert alert-good' : 'alert alert-error'}
        >
          {m.connections.testResultOf(rowTest.name)}: {testText(m, rowTest.result)}
        </p>
      ) : null}
      <ErrorAlert>{testOne.isError ? errorText(m, testOne.error) : null}</ErrorAlert>
      {connections.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{connections.isError ? errorText(m, connections.error) : null}</ErrorAlert>
      {connections.data && connections.data.length === 0 ? <p>{m.connections.empty}</p> : null}
      {connections.data && connections.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="connections-table">
            <thead>
              <tr>
                <th scope="col">{m.connections.name}</th>
                <th scope="col">{m.connections.kind}</th>
                <th scope="col">{m.connections.description}</th>
                <th scope="col">{m.connections.updated}</th>
                {canWrite ? <th scope="col">{m.common.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {connections.data.map((connection) => {
                const testing = testOne.isPending && testOne.variables === connection.id;
                return (
                  <tr key={connection.id} data-testid={`connection-${connection.name}`}>
                    <th scope="row" data-label={m.connections.name}>
                      {connection.name}
                    </th>
                    <td data-label={m.connections.kind}>{m.connections.kinds[connection.kind]}</td>
                    <td data-label={m.connections.description}>{connection.description}</td>
                    <td data-label={m.connections.updated}>
                      <span>
                        {formatDateTime(language, connection.updated_at)}
                        {connection.updated_by ? (
                          <span className="cell-sub">
                            {m.connections.updatedBy(connection.updated_by)}
                          </span>
                        ) : null}
                      </span>
                    </td>
                    {canWrite ? (
                      <td data-label={m.common.actions}>
                        <div className="row-actions">
                          <button
                            type="button"
                            className="button button-small"
                            disabled={testing}
                            onClick={() => runTest(connection)}
                          >
                            {testing ? m.connections.testing : m.connections.test}
                            <span className="visually-hidden"> {connection.name}</span>
                          </button>
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => start({ mode: 'edit', connection })}
                          >
                            {m.connections.edit}
                            <span className="visually-hidden"> {connection.name}</span>
                          </button>
                          <button
                            type="button"
                            className="button button-small button-danger"
                            onClick={() => {
                              setNotice(null);
                              setDeleting(connection);
                            }}
                          >
                            {m.connections.delete}
                            <span className="visually-hidden"> {connection.name}</span>
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? (
        <ConnectionDialog
          {...(editing.mode === 'edit' ? { connection: editing.connection } : {})}
          onClose={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            setNotice(text);
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteDialog
          connection={deleting}
          onClose={() => setDeleting(null)}
          onDone={(text) => {
            setDeleting(null);
            setNotice(text);
          }}
        />
      ) : null}
    </section>
  );
}
