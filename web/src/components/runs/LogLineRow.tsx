import { memo } from 'react';
import type { LogLine } from '../../api/runs';
import type { Language, Messages } from '../../i18n';
import { splitMatches } from './logSearch';

const kTimeFormats = new Map<Language, Intl.DateTimeFormat>();

/** A line's time as HH:MM:SS in local time; one formatter per language, made once. */
function lineTime(language: Language, iso: string): string {
  let format = kTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    kTimeFormats.set(language, format);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : format.format(date);
}

interface LogLineRowProps {
  line: LogLine;
  /** The search text to highlight; empty for none. */
  query: string;
  language: Language;
  levels: Messages['runs']['levels'];
}

/** One log line: sequence number, time, level and message, coloured by level. */
export const LogLineRow = memo(function LogLineRow(props: LogLineRowProps) {
  const { line, query, language, levels } = props;
  return (
    <div
      className={`log-line log-level-${line.level}`}
      data-testid="log-line"
      data-seq={line.seq}
      data-level={line.level}
    >
      <span className="log-seq" aria-hidden="true">
        {line.seq}
      </span>
      <time className="log-time" dateTime={line.at}>
        {lineTime(language, line.at)}
      </time>
      <span className="log-level">{levels[line.level] ?? line.level}</span>
      <span className="log-message">
        {splitMatches(line.message, query).map((part, i) =>
          part.match ? <mark key={i}>{part.text}</mark> : part.text,
        )}
      </span>
    </div>
  );
});
