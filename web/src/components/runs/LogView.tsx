import { useId, useRef, useState } from 'react';
import type { ConnectionState } from '../../api/runEvents';
import type { LogLine } from '../../api/runs';
import { useI18n } from '../../i18n';
import { formatNumber } from '../format';
import { LogLineRow } from './LogLineRow';
import { LogMatcher } from './logSearch';
import { LogViewport } from './LogViewport';

interface LogViewProps {
  /** The lines so far; grows in place (see useRunEvents), `version` says when. */
  lines: readonly LogLine[];
  version: number;
  connection: ConnectionState;
}

/**
 * A run's log: a search box that keeps only the lines containing its text (highlighted),
 * the stream's connection state, and the lines in a virtualised viewport that follows the
 * end until the user scrolls up; "Jump to latest" follows again.
 */
export function LogView({ lines, version, connection }: LogViewProps) {
  const { m, language } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const [following, setFollowing] = useState(true);
  const matcher = useRef(new LogMatcher());
  // Recomputed per render (a new batch, a new query); the matcher scans only new lines.
  const indices = query ? matcher.current.indices(lines, query) : null;
  const count = indices ? indices.length : lines.length;
  const lineAt = (index: number) => lines[indices ? (indices[index] as number) : index] as LogLine;

  return (
    <section className="card log-card" aria-labelledby={`${id}-title`} data-version={version}>
      <div className="log-head">
        <h2 id={`${id}-title`}>{m.runs.log}</h2>
        <span
          role="status"
          className={`log-connection log-connection-${connection}`}
          data-testid="log-connection"
          data-state={connection}
        >
          <span className="visually-hidden">{m.runs.connectionLabel}: </span>
          {m.runs.connection[connection]}
        </span>
      </div>
      <div className="log-tools">
        <div className="field log-search">
          <label htmlFor={`${id}-search`}>{m.runs.search}</label>
          <input
            id={`${id}-search`}
            type="search"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby={`${id}-count`}
          />
        </div>
        <p id={`${id}-count`} className="detail" data-testid="log-count">
          {indices
            ? m.runs.matches(formatNumber(language, count), formatNumber(language, lines.length))
            : m.runs.lineCount(formatNumber(language, lines.length))}
        </p>
      </div>
      {count === 0 ? (
        <p className="detail">{indices ? m.runs.noMatches : m.runs.noLines}</p>
      ) : null}
      <LogViewport
        count={count}
        following={following}
        onFollowingChange={setFollowing}
        label={m.runs.logLabel}
        testId="log-viewport"
        renderRow={(index) => {
          const line = lineAt(index);
          return (
            <LogLineRow
              key={line.seq}
              line={line}
              query={query}
              language={language}
              levels={m.runs.levels}
            />
          );
        }}
      />
      {following ? null : (
        <p className="log-paused">
          <span className="detail">{m.runs.paused}</span>
          <button
            type="button"
            className="button button-small"
            onClick={() => setFollowing(true)}
          >
            {m.runs.jumpToLatest}
          </button>
        </p>
      )}
    </section>
  );
}
