import type { LogLine } from '../../api/runs';

/**
 * The positions of the lines whose message contains a query, ignoring case. Lines are only
 * ever appended to the array it is given, so each call scans just the lines added since the
 * last one; a new query or a new array starts over.
 */
export class LogMatcher {
  private lines: readonly LogLine[] | null = null;
  private needle = '';
  private scanned = 0;
  private found: number[] = [];

  /** Indices into `lines` of the matching lines, in order. Owned by the matcher; do not keep. */
  indices(lines: readonly LogLine[], query: string): readonly number[] {
    const needle = query.toLocaleLowerCase();
    if (lines !== this.lines || needle !== this.needle || lines.length < this.scanned) {
      this.lines = lines;
      this.needle = needle;
      this.scanned = 0;
      this.found = [];
    }
    for (let i = this.scanned; i < lines.length; i++) {
      if ((lines[i] as LogLine).message.toLocaleLowerCase().includes(needle)) this.found.push(i);
    }
    this.scanned = lines.length;
    return this.found;
  }
}

/** `text` cut around each case-insensitive occurrence of `query`, for highlighting. */
export function splitMatches(text: string, query: string): { text: string; match: boolean }[] {
  if (!query) return [{ text, match: false }];
  const haystack = text.toLocaleLowerCase();
  const needle = query.toLocaleLowerCase();
  // Lower-casing a few letters (e.g. "İ") changes the length: then positions would not match.
  if (haystack.length !== text.length) return [{ text, match: false }];
  const parts: { text: string; match: boolean }[] = [];
  let from = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
