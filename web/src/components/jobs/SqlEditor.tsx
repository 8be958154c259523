// A SQL editor that stays a plain <textarea> (typing, selection, undo, screen readers and
// mobile keyboards all work as usual) with a highlighted copy of its text drawn behind it.
// The textarea's own text is transparent, so what shows is the copy; both use the same font
// and padding and scroll together, so every character of the copy sits under its own.
import { type KeyboardEvent, useId, useLayoutEffect, useMemo, useRef } from 'react';
import { type TextEdit, indent, newline } from '../../jobs/textEditing';
import { tokenizeSql } from '../../jobs/sqlTokenizer';

/** The highlighted text: a span per token that has a colour. */
export function SqlHighlight({ text }: { text: string }) {
  const tokens = useMemo(() => tokenizeSql(text), [text]);
  return (
    <>
      {tokens.map((token, i) =>
        token.type === 'space' || token.type === 'identifier' || token.type === 'operator' ? (
          token.text
        ) : (
          // Tokens never move within one render: the index is a stable key.
          <span key={i} className={`sql-${token.type}`}>
            {token.text}
          </span>
        ),
      )}
    </>
  );
}

interface SqlEditorProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  rows?: number;
  required?: boolean;
}

export function SqlEditor(props: SqlEditorProps) {
  const { label, value, onChange, name, hint, error, rows = 10, required } = props;
  const id = useId();
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const highlightRef = useRef<HTMLPreElement>(null);
  /** After Escape, the next Tab leaves the editor instead of indenting (keyboard users). */
  const tabLeaves = useRef(false);
  /** The selection to restore once React has rendered an edit made by a key. */
  const pendingSelection = useRef<{ start: number; end: number } | null>(null);

  useLayoutEffect(() => {
    const textarea = textareaRef.current;
    const selection = pendingSelection.current;
    if (!textarea || !selection) return;
    pendingSelection.current = null;
    textarea.setSelectionRange(selection.start, selection.end);
  }, [value]);

  const syncScroll = () => {
    const textarea = textareaRef.current;
    const highlight = highlightRef.current;
    if (!textarea || !highlight) return;
    highlight.scrollTop = textarea.scrollTop;
    highlight.scrollLeft = textarea.scrollLeft;
  };

  const apply = (edit: TextEdit) => {
    pendingSelection.current = { start: edit.start, end: edit.end };
    onChange(edit.value);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const target = event.currentTarget;
    const current = { value: target.value, start: target.selectionStart, end: target.selectionEnd };
    if (event.key === 'Escape') {
      tabLeaves.current = true;
      return;
    }
    const leave = tabLeaves.current;
    tabLeaves.current = false;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Tab' && !leave) {
      event.preventDefault();
      apply(indent(current, event.shiftKey));
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      apply(newline(current));
    }
  };

  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="code-editor" data-invalid={error ? 'true' : undefined}>
        <pre ref={highlightRef} className="code-editor-highlight" aria-hidden="true">
          <SqlHighlight text={value} />
          {/* A final newline would otherwise be drawn one line short of the textarea. */}
          {'\n'}
        </pre>
        <textarea
          ref={textareaRef}
          id={id}
          name={name}
          className="code-editor-input"
          rows={rows}
          value={value}
          required={required}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          wrap="off"
          aria-describedby={describedBy || undefined}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onScroll={syncScroll}
        />
      </div>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A read-only, highlighted query (the job's view for people who cannot edit it). */
export function SqlView({ text, label }: { text: string; label: string }) {
  return (
    // A region so it has a name; focusable so a keyboard can scroll a long query.
    <pre className="code-view" role="region" aria-label={label} tabIndex={0}>
      <SqlHighlight text={text} />
    </pre>
  );
}
