import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useChangePassword } from '../api/auth';
import { ApiError } from '../api/client';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { formErrors } from '../components/errors';
import { TextField } from '../components/Field';
import { formatDateTime } from '../components/format';
import { useI18n } from '../i18n';

const kPasswordFields = ['current_password', 'new_password'] as const;

function ChangePasswordForm() {
  const { m } = useI18n();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);

  const errors = formErrors(m, change.error, kPasswordFields);
  // A 401 here is a wrong current password (a lost session sends the user to sign in).
  const wrongCurrent = change.error instanceof ApiError && change.error.status === 401;
  const currentError =
    errors.field.current_password ?? (wrongCurrent ? m.account.wrongCurrent : null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setConfirm('');
          setDone(true);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="form" aria-labelledby="password-title">
      <h2 id="password-title">{m.account.passwordTitle}</h2>
      <TextField
        label={m.account.current}
        name="current_password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={currentError}
      />
      <TextField
        label={m.account.new}
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        value={next}
        onChange={(e) => setNext(e.target.value)}
        hint={m.account.newHint}
        error={errors.field.new_password}
      />
      <TextField
        label={m.account.confirm}
        name="confirm_password"
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={mismatch ? m.account.mismatch : null}
      />
      <ErrorAlert>{wrongCurrent ? null : errors.form}</ErrorAlert>
      <Notice>{done ? m.account.changed : null}</Notice>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={change.isPending}>
          {change.isPending ? m.account.submitting : m.account.submit}
        </button>
      </div>
    </form>
  );
}

/** The signed-in user's own account: who they are, and changing their password. */
export function AccountPage() {
  const { m, language } = useI18n();
  const me = useSignedIn();
  return (
    <section className="page">
      <h1>{m.account.title}</h1>
      <div className="card">
        <dl className="facts">
          <dt>{m.account.username}</dt>
          <dd>{me.user.username}</dd>
          <dt>{m.account.displayName}</dt>
          <dd>{me.user.display_name || '—'}</dd>
          <dt>{m.account.role}</dt>
          <dd>{m.roles[me.user.role]}</dd>
          {me.session_expires_at ? (
            <>
              <dt>{m.account.sessionEnds}</dt>
              <dd>{formatDateTime(language, me.session_expires_at)}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <Link to="/account/api-keys">{m.account.apiKeysLink}</Link>
        </p>
      </div>
      <div className="card">
        <ChangePasswordForm />
      </div>
    </section>
  );
}
