import type { LogLine } from './runs';

/**
 * One run's log lines in `seq` order, kept outside React state: the event stream appends to
 * it in place and the page re-renders once per batch, not once per line. A line at or below
 * the last `seq` held is a repeat (a resumed stream may send it again) and is ignored.
 */
export class LogBuffer {
  readonly lines: LogLine[] = [];

  /** The last line's `seq`, 0 while empty: where a resumed stream starts after. */
  get lastSeq(): number {
    return this.lines.length > 0 ? (this.lines[this.lines.length - 1] as LogLine).seq : 0;
  }

  /** Appends `line` unless it is a repeat; true when it was appended. */
  append(line: LogLine): boolean {
    if (line.seq <= this.lastSeq) return false;
    this.lines.push(line);
    return true;
  }
}
