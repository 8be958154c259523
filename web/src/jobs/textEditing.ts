// The code editor's keys as pure edits of (text, selection): Tab indents, Shift+Tab outdents,
// Enter keeps the line's indentation. Kept apart from the component so they are tested alone.

export interface TextEdit {
  value: string;
  start: number;
  end: number;
}

export const kIndent = '  ';

function lineStart(value: string, at: number): number {
  return value.lastIndexOf('\n', at - 1) + 1;
}

/**
 * Tab: with the selection inside one line, two spaces replace it; over several lines, each
 * line gets two spaces in front. Shift+Tab (`outdent`): up to two leading spaces go from each
 * line the selection touches.
 */
export function indent(edit: TextEdit, outdent: boolean): TextEdit {
  const { value, start, end } = edit;
  const multiline = value.slice(start, end).includes('\n');
  if (!outdent && !multiline) {
    return {
      value: value.slice(0, start) + kIndent + value.slice(end),
      start: start + kIndent.length,
      end: start + kIndent.length,
    };
  }
  const first = lineStart(value, start);
  // A selection ending at a line's start does not take that line.
  const lastAt = end > start && value[end - 1] === '\n' ? end - 1 : end;
  const lineEnd = value.indexOf('\n', lastAt);
  const last = lineEnd < 0 ? value.length : lineEnd;
  const lines = value.slice(first, last).split('\n');
  let removedBeforeStart = 0;
  let delta = 0;
  const changed = lines.map((line, i) => {
    if (!outdent) {
      delta += kIndent.length;
      return kIndent + line;
    }
    const removed = line.length - line.replace(/^ {1,2}/, '').length;
    if (i === 0) removedBeforeStart = Math.min(removed, start - first);
    delta -= removed;
    return line.slice(removed);
  });
  const nextValue = value.slice(0, first) + changed.join('\n') + value.slice(last);
  const nextStart = outdent ? start - removedBeforeStart : start + kIndent.length;
  return { value: nextValue, start: Math.max(first, nextStart), end: Math.max(first, end + delta) };
}

/** Enter: a new line starting with the current line's leading spaces and tabs. */
export function newline(edit: TextEdit): TextEdit {
  const { value, start, end } = edit;
  const first = lineStart(value, start);
  const leading = /^[ \t]*/.exec(value.slice(first, start))?.[0] ?? '';
  const insert = `\n${leading}`;
  const at = start + insert.length;
  return { value: value.slice(0, start) + insert + value.slice(end), start: at, end: at };
}
