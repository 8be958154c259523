import { type FormEvent, useId, useRef, useState } from 'react';
import type { Me } from '../api/auth';
import {
  type ApiKey,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  useApiKeys,
  useCreateApiKey,
  useRevokeApiKey,
} from '../api/apiKeys';
import { type Role, type RoleInfo, kRoles, useRoles } from '../api/roles';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { errorText, formErrors } from '../components/errors';
import { TextField } from '../components/Field';
import { formatDate, formatDateTime } from '../components/format';
import { RoleSelect } from '../components/RoleSelect';
import { type Messages, useI18n } from '../i18n';

/**
 * The roles a new key may have: those whose permissions the caller holds too, lowest first
 * (the caller's own role always). Only narrows the choice; the server enforces the rule.
 */
export function keyRoles(me: Me, roles: RoleInfo[] | undefined): Role[] {
  if (!roles) return kRoles.filter((role) => role === me.user.role);
  const mine = new Set(me.permissions);
  return roles
    .filter((role) => role.name === me.user.role || role.permissions.every((p) => mine.has(p)))
    .map((role) => role.name);
}

/** "a, b c" → ["a", "b", "c"]: dataset names separated by commas or white space. */
export function parseDatasets(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** A date input's value (YYYY-MM-DD) as the end of that local day, in RFC 3339. */
export function endOfDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year ?? 0, (month ?? 1) - 1, day ?? 1, 23, 59, 59, 999).toISOString();
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function keyStatus(m: Messages, key: ApiKey): { text: string; good: boolean } {
  if (key.revoked_at) return { text: m.apiKeys.revoked, good: false };
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) {
    return { text: m.apiKeys.expired, good: false };
  }
  return { text: m.apiKeys.active, good: true };
}

/** The new key, shown this one time, with a copy button. */
function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const { m } = useI18n();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const warningId = useId();

  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      setCopy('failed');
      inputRef.current?.select();
    }
  };

  return (
    <div className="form">
      <p id={warningId} className="alert alert-warning">
        {m.apiKeys.newWarning}
      </p>
      <div className="field">
        <label htmlFor={`${warningId}-key`}>{m.apiKeys.newKeyLabel}</label>
        <div className="copy-row">
          <input
            ref={inputRef}
            id={`${warningId}-key`}
            className="mono"
            data-testid="new-api-key"
            readOnly
            value={created.key}
            aria-describedby={warningId}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button" onClick={() => void copyKey()}>
            {copy === 'copied' ? m.apiKeys.copied : m.apiKeys.copy}
          </button>
        </div>
        <p role="status" className={copy === 'failed' ? 'field-error' : 'visually-hidden'}>
          {copy === 'failed' ? m.apiKeys.copyFailed : copy === 'copied' ? m.apiKeys.copied : ''}
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          {m.apiKeys.done}
        </button>
      </div>
    </div>
  );
}

const kKeyFields = ['name', 'role', 'datasets', 'expires_at'] as const;

function CreateApiKeyDialog({ me, onClose }: { me: Me; onClose: () => void }) {
  const { m } = useI18n();
  const create = useCreateApiKey();
  const roleInfo = useRoles();
  const roles = keyRoles(me, roleInfo.data);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role | null>(null);
  const [datasets, setDatasets] = useState('');
  const [expires, setExpires] = useState('');
  // Held here, never in a cache: once this dialog closes the key is gone for good.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const chosenRole = role ?? roles[0] ?? me.user.role;
  const errors = formErrors(m, create.error, kKeyFields);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: CreateApiKeyRequest = { name: name.trim(), role: chosenRole };
    const names = parseDatasets(datasets);
    if (names.length > 0) body.datasets = names;
    if (expires) body.expires_at = endOfDay(expires);
    create.mutate(body, {
      onSuccess: (key) => {
        setCreated(key);
        create.reset();
      },
    });
  };

  if (created) {
    return (
      <Dialog title={m.apiKeys.newTitle} onClose={onClose}>
        <NewKey created={created} onDone={onClose} />
      </Dialog>
    );
  }
  return (
    <Dialog title={m.apiKeys.createTitle} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <TextField
          label={m.apiKeys.name}
          name="name"
          autoComplete="off"
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          hint={m.apiKeys.nameHint}
          error={errors.field.name}
        />
        <RoleSelect
          label={m.apiKeys.role}
          value={chosenRole}
          onChange={setRole}
          roles={roles}
          hint={m.apiKeys.roleHint}
          error={errors.field.role}
        />
        <TextField
          label={`${m.apiKeys.datasetsLabel} ${m.common.optional}`}
          name="datasets"
          autoComplete="off"
          value={datasets}
          onChange={(e) => setDatasets(e.target.value)}
          hint={m.apiKeys.datasetsHint}
          error={errors.field.datasets}
        />
        <TextField
          label={`${m.apiKeys.expiresLabel} ${m.common.optional}`}
          name="expires_at"
          type="date"
          min={today()}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          hint={m.apiKeys.expiresHint}
          error={errors.field.expires_at}
        />
        <ErrorAlert>{errors.form}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? m.apiKeys.creating : m.apiKeys.createSubmit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RevokeDialog({
  apiKey,
  onClose,
  onDone,
}: {
  apiKey: ApiKey;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const revoke = useRevokeApiKey();
  return (
    <ConfirmDialog
      title={m.apiKeys.revokeTitle(apiKey.name)}
      body={m.apiKeys.revokeBody}
      confirmLabel={m.apiKeys.revoke}
      danger
      pending={revoke.isPending}
      error={revoke.isError ? errorText(m, revoke.error) : null}
      onClose={onClose}
      onConfirm={() =>
        revoke.mutate(apiKey.id, { onSuccess: () => onDone(m.apiKeys.revokedNotice(apiKey.name)) })
      }
    />
  );
}

/** The caller's API keys (an admin can switch to everyone's): create, see, revoke. */
export function ApiKeysPage() {
  const { m, language } = useI18n();
  const me = useSignedIn();
  const isAdmin = hasPermission(me, kPermission.usersAdmin);
  const [showAll, setShowAll] = useState(false);
  const all = isAdmin && showAll;
  const keys = useApiKeys(all ? { all: true } : {});
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.apiKeys.title}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setNotice(null);
            setCreating(true);
          }}
        >
          {m.apiKeys.create}
        </button>
      </div>
      <p className="lead">{m.apiKeys.lead}</p>
      {isAdmin ? (
        <fieldset className="segmented">
          <legend className="visually-hidden">{m.apiKeys.show}</legend>
          <label>
            <input
              type="radio"
              name="key-scope"
              checked={!showAll}
              onChange={() => setShowAll(false)}
            />
            {m.apiKeys.mine}
          </label>
          <label>
            <input
              type="radio"
              name="key-scope"
              checked={showAll}
              onChange={() => setShowAll(true)}
            />
            {m.apiKeys.everyone}
          </label>
        </fieldset>
      ) : null}
      <Notice>{notice}</Notice>
      {keys.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{keys.isError ? errorText(m, keys.error) : null}</ErrorAlert>
      {keys.data && keys.data.length === 0 ? <p>{m.apiKeys.empty}</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="api-keys-table">
            <thead>
              <tr>
                <th scope="col">{m.apiKeys.name}</th>
                <th scope="col">{m.apiKeys.key}</th>
                {all ? <th scope="col">{m.apiKeys.owner}</th> : null}
                <th scope="col">{m.apiKeys.role}</th>
                <th scope="col">{m.apiKeys.datasets}</th>
                <th scope="col">{m.apiKeys.created}</th>
                <th scope="col">{m.apiKeys.expires}</th>
                <th scope="col">{m.apiKeys.lastUsed}</th>
                <th scope="col">{m.apiKeys.status}</th>
                <th scope="col">{m.common.actions}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => {
                const status = keyStatus(m, key);
                return (
                  <tr key={key.id} data-testid={`api-key-${key.id}`}>
                    <th scope="row" data-label={m.apiKeys.name}>
                      {key.name}
                    </th>
                    <td data-label={m.apiKeys.key}>
                      <code>{key.prefix}…</code>
                    </td>
                    {all ? <td data-label={m.apiKeys.owner}>{key.username}</td> : null}
                    <td data-label={m.apiKeys.role}>{m.roles[key.role]}</td>
                    <td data-label={m.apiKeys.datasets}>
                      {key.datasets === null ? m.apiKeys.allDatasets : key.datasets.join(', ')}
                    </td>
                    <td data-label={m.apiKeys.created}>{formatDate(language, key.created_at)}</td>
                    <td data-label={m.apiKeys.expires}>
                      {key.expires_at ? formatDate(language, key.expires_at) : m.common.never}
                    </td>
                    <td data-label={m.apiKeys.lastUsed}>
                      {key.last_used_at ? (
                        <>
                          {formatDateTime(language, key.last_used_at)}
                          {key.last_used_address ? (
                            <span className="cell-sub">
                              {m.apiKeys.lastUsedFrom(key.last_used_address)}
                            </span>
                          ) : null}
                        </>
                      ) : (
                        m.common.never
                      )}
                    </td>
                    <td data-label={m.apiKeys.status}>
                      <span className={status.good ? 'status status-good' : 'status status-bad'}>
                        {status.text}
                      </span>
                    </td>
                    <td data-label={m.common.actions}>
                      {key.revoked_at ? null : (
                        <button
                          type="button"
                          className="button button-small button-danger"
                          onClick={() => {
                            setNotice(null);
                            setRevoking(key);
                          }}
                        >
                          {m.apiKeys.revoke}
                          <span className="visually-hidden"> {key.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? <CreateApiKeyDialog me={me} onClose={() => setCreating(false)} /> : null}
      {revoking ? (
        <RevokeDialog
          apiKey={revoking}
          onClose={() => setRevoking(null)}
          onDone={(text) => {
            setRevoking(null);
            setNotice(text);
          }}
        />
      ) : null}
    </section>
  );
}
