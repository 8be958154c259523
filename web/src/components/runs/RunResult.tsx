import { Fragment } from 'react';
import { Link } from 'react-router';
import type { Run } from '../../api/runs';
import { useI18n } from '../../i18n';
import { objectEntries, valueText } from './runFormat';

/**
 * What the job reported when it finished, member by member (a `dataset` member links to the
 * dataset). Nothing while the result is empty.
 */
export function RunResult({ run }: { run: Run }) {
  const { m } = useI18n();
  const entries = objectEntries(run.result);
  if (entries.length === 0) return null;
  return (
    <section className="card" aria-labelledby="run-result">
      <h2 id="run-result">{m.runs.result}</h2>
      <dl className="facts" data-testid="run-result">
        {entries.map(([name, value]) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd>
              {name === 'dataset' && typeof value === 'string' ? (
                <Link to={`/datasets/${encodeURIComponent(value)}`}>{value}</Link>
              ) : (
                <code className="wrap-anywhere">{valueText(value)}</code>
              )}
            </dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
