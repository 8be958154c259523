import { useState } from 'react';
import { useI18n } from '../i18n';

interface CopyButtonProps {
  /** The text put on the clipboard. */
  text: string;
  /** What is copied, for screen readers (the button's name is "Copy: <what>"). */
  what: string;
}

/**
 * Copies `text` to the clipboard and says whether it worked. When the clipboard is not
 * available (e.g. a page not served over HTTPS), it asks the user to copy by hand.
 */
export function CopyButton({ text, what }: CopyButtonProps) {
  const { m } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button
        type="button"
        className="button button-small"
        aria-label={m.datasets.copyLabel(what)}
        onClick={() => void copy()}
      >
        {state === 'copied' ? m.datasets.copied : m.datasets.copy}
      </button>
      <span role="status" className={state === 'failed' ? 'field-error' : 'visually-hidden'}>
        {state === 'failed' ? m.datasets.copyFailed : state === 'copied' ? m.datasets.copied : ''}
      </span>
    </>
  );
}
