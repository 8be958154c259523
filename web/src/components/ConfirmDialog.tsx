import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { ErrorAlert } from './Alert';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  pending: boolean;
  /** The failure of the last attempt, shown inside the dialog (which stays open). */
  error: ReactNode;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before an action that is hard to undo (deactivate, revoke). */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { m } = useI18n();
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <p>{props.body}</p>
      <ErrorAlert>{props.error}</ErrorAlert>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose}>
          {m.common.cancel}
        </button>
        <button
          type="button"
          className={props.danger ? 'button button-danger' : 'button button-primary'}
          disabled={props.pending}
          onClick={props.onConfirm}
          autoFocus
        >
          {props.pending ? m.common.saving : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
