import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { type Role, kRoles, useRoles } from '../api/roles';
import {
  type User,
  useCreateUser,
  useResetUserPassword,
  useUpdateUser,
  useUsers,
} from '../api/users';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { errorText, formErrors } from '../components/errors';
import { TextField } from '../components/Field';
import { formatDateTime } from '../components/format';
import { RoleSelect } from '../components/RoleSelect';
import { type Messages, useI18n } from '../i18n';

type DialogState =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'reset'; user: User }
  | { kind: 'active'; user: User }
  | null;

/** The roles to offer: the server's list (lowest first), or the contract's while it loads. */
function useRoleNames(): readonly Role[] {
  const roles = useRoles();
  return roles.data?.map((role) => role.name) ?? kRoles;
}

/** A failed change of a user; a 409 always means the last active admin was protected. */
function updateErrorText(m: Messages, error: unknown): string | null {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 409) return m.users.lastAdmin;
  return errorText(m, error);
}

const kCreateFields = ['username', 'display_name', 'role', 'password'] as const;

function CreateUserDialog({
  onClose,
  onDone,
}: {
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const create = useCreateUser();
  const roles = useRoleNames();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');

  const taken = create.error instanceof ApiError && create.error.status === 409;
  const errors = taken ? { field: {}, form: null } : formErrors(m, create.error, kCreateFields);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = username.trim();
    create.mutate(
      {
        username: name,
        role,
        password,
        ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
      },
      { onSuccess: (user) => onDone(m.users.created(user.username)) },
    );
  };

  return (
    <Dialog title={m.users.createTitle} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <TextField
          label={m.users.username}
          name="username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          hint={m.users.usernameHint}
          error={taken ? m.users.usernameTaken : errors.field.username}
        />
        <TextField
          label={`${m.users.displayName} ${m.common.optional}`}
          name="display_name"
          autoComplete="off"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.field.display_name}
        />
        <RoleSelect
          label={m.users.role}
          value={role}
          onChange={setRole}
          roles={roles}
          error={errors.field.role}
        />
        <TextField
          label={m.users.password}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={m.users.passwordHint}
          error={errors.field.password}
        />
        <ErrorAlert>{errors.form}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? m.users.creating : m.users.createSubmit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const kEditFields = ['display_name', 'role'] as const;

function EditUserDialog({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const update = useUpdateUser();
  const roles = useRoleNames();
  const [displayName, setDisplayName] = useState(user.display_name);
  const [role, setRole] = useState<Role>(user.role);

  const lastAdmin = update.error instanceof ApiError && update.error.status === 409;
  const errors = lastAdmin ? { field: {}, form: null } : formErrors(m, update.error, kEditFields);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const changes: { display_name?: string; role?: Role } = {};
    if (displayName.trim() !== user.display_name) changes.display_name = displayName.trim();
    if (role !== user.role) changes.role = role;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: user.id, changes },
      { onSuccess: (updated) => onDone(m.users.updated(updated.username)) },
    );
  };

  return (
    <Dialog title={m.users.editTitle(user.username)} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <TextField
          label={m.users.displayName}
          name="display_name"
          autoComplete="off"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.field.display_name}
        />
        <RoleSelect
          label={m.users.role}
          value={role}
          onChange={setRole}
          roles={roles}
          error={errors.field.role}
        />
        <ErrorAlert>{lastAdmin ? m.users.lastAdmin : errors.form}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={update.isPending}>
            {update.isPending ? m.common.saving : m.common.save}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const reset = useResetUserPassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const errors = formErrors(m, reset.error, ['new_password'] as const);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    reset.mutate(
      { id: user.id, newPassword: password },
      { onSuccess: () => onDone(m.users.resetDone(user.username)) },
    );
  };

  return (
    <Dialog title={m.users.resetTitle(user.username)} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <p className="detail">{m.users.resetIntro}</p>
        <TextField
          label={m.users.newPassword}
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={m.users.passwordHint}
          error={errors.field.new_password}
        />
        <TextField
          label={m.users.confirmPassword}
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={mismatch ? m.users.mismatch : null}
        />
        <ErrorAlert>{errors.form}</ErrorAlert>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {m.common.cancel}
          </button>
          <button type="submit" className="button button-primary" disabled={reset.isPending}>
            {reset.isPending ? m.common.saving : m.users.resetSubmit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ActiveDialog({
  user,
  onClose,
  onDone,
}: {
  user: User;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { m } = useI18n();
  const update = useUpdateUser();
  const deactivating = user.active;
  return (
    <ConfirmDialog
      title={
        deactivating
          ? m.users.deactivateTitle(user.username)
          : m.users.reactivateTitle(user.username)
      }
      body={deactivating ? m.users.deactivateBody : m.users.reactivateBody}
      confirmLabel={deactivating ? m.users.deactivate : m.users.reactivate}
      danger={deactivating}
      pending={update.isPending}
      error={updateErrorText(m, update.error)}
      onClose={onClose}
      onConfirm={() =>
        update.mutate(
          { id: user.id, changes: { active: !user.active } },
          {
            onSuccess: () =>
              onDone(
                deactivating
                  ? m.users.deactivated(user.username)
                  : m.users.reactivated(user.username),
              ),
          },
        )
      }
    />
  );
}

/** Users (admin): list, create, change role or name, (de)activate, reset a password. */
export function UsersPage() {
  const { m, language } = useI18n();
  const me = useSignedIn();
  const users = useUsers();
  const [dialog, setDialog] = useState<DialogState>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const close = () => setDialog(null);
  const done = (text: string) => {
    setDialog(null);
    setNotice(text);
  };
  const open = (next: DialogState) => {
    setNotice(null);
    setDialog(next);
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>{m.users.title}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => open({ kind: 'create' })}
        >
          {m.users.create}
        </button>
      </div>
      <p className="lead">{m.users.lead}</p>
      <Notice>{notice}</Notice>
      {users.isPending ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{users.isError ? errorText(m, users.error) : null}</ErrorAlert>
      {users.data && users.data.length === 0 ? <p>{m.users.empty}</p> : null}
      {users.data && users.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table responsive-table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{m.users.user}</th>
                <th scope="col">{m.users.role}</th>
                <th scope="col">{m.users.status}</th>
                <th scope="col">{m.users.lastLogin}</th>
                <th scope="col">{m.common.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id} data-testid={`user-${user.username}`}>
                  <th scope="row" data-label={m.users.user}>
                    <span className="cell-main">
                      {user.username}
                      {user.id === me.user.id ? (
                        <span className="detail"> {m.common.you}</span>
                      ) : null}
                    </span>
                    {user.display_name && user.display_name !== user.username ? (
                      <span className="cell-sub">{user.display_name}</span>
                    ) : null}
                  </th>
                  <td data-label={m.users.role}>{m.roles[user.role]}</td>
                  <td data-label={m.users.status}>
                    <span className={user.active ? 'status status-good' : 'status status-bad'}>
                      {user.active ? m.users.active : m.users.inactive}
                    </span>
                  </td>
                  <td data-label={m.users.lastLogin}>
                    {user.last_login_at
                      ? formatDateTime(language, user.last_login_at)
                      : m.common.never}
                  </td>
                  <td data-label={m.common.actions}>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => open({ kind: 'edit', user })}
                      >
                        {m.users.edit}
                        <span className="visually-hidden"> {user.username}</span>
                      </button>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => open({ kind: 'reset', user })}
                      >
                        {m.users.resetPassword}
                        <span className="visually-hidden"> {user.username}</span>
                      </button>
                      <button
                        type="button"
                        className={
                          user.active ? 'button button-small button-danger' : 'button button-small'
                        }
                        onClick={() => open({ kind: 'active', user })}
                      >
                        {user.active ? m.users.deactivate : m.users.reactivate}
                        <span className="visually-hidden"> {user.username}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {dialog?.kind === 'create' ? <CreateUserDialog onClose={close} onDone={done} /> : null}
      {dialog?.kind === 'edit' ? (
        <EditUserDialog user={dialog.user} onClose={close} onDone={done} />
      ) : null}
      {dialog?.kind === 'reset' ? (
        <ResetPasswordDialog user={dialog.user} onClose={close} onDone={done} />
      ) : null}
      {dialog?.kind === 'active' ? (
        <ActiveDialog user={dialog.user} onClose={close} onDone={done} />
      ) : null}
    </section>
  );
}
