import { describe, expect, it } from 'vitest';
import { indent, newline } from './textEditing';

/** Text with "|" marking the caret, or "[" and "]" the selection. */
function at(marked: string) {
  const start = marked.search(/[|[]/);
  const value = marked.replace(/[|[\]]/g, '');
  const close = marked.indexOf(']');
  const end = close < 0 ? start : close - 1;
  return { value, start, end };
}

function show(edit: { value: string; start: number; end: number }) {
  const { value, start, end } = edit;
  if (start === end) return `${value.slice(0, start)}|${value.slice(start)}`;
  return `${value.slice(0, start)}[${value.slice(start, end)}]${value.slice(end)}`;
}

describe('the editor keys', () => {
  it('Tab puts two spaces at the caret', () => {
    expect(show(indent(at('SELECT|x'), false))).toBe('SELECT  |x');
  });

  it('Tab over several lines indents each of them', () => {
    expect(show(indent(at('a\n[b\nc]\nd'), false))).toBe('a\n  [b\n  c]\nd');
  });

  it('Shift+Tab takes up to two spaces from each line it touches', () => {
    expect(show(indent(at('    a|b'), true))).toBe('  a|b');
    expect(show(indent(at(' x\n  [y\n   z]'), true))).toBe(' x\n[y\n z]');
  });

  it('Enter keeps the indentation of the line', () => {
    expect(show(newline(at('SELECT\n    a,|')))).toBe('SELECT\n    a,\n    |');
    expect(show(newline(at('[x]y')))).toBe('\n|y');
  });
});
