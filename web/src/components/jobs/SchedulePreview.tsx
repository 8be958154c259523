// What a schedule being built means: its cron expression in words (described here, at once,
// as it is typed) and its next fire times in the chosen zone (asked of the server's preview,
// once typing pauses). Problems are reported to the builder, which shows them at the field.
import { useId } from 'react';
import { ApiError } from '../../api/client';
import { kNextFireCount, useSchedulePreview } from '../../api/schedules';
import { describeCron } from '../../jobs/cronDescribe';
import { type ScheduleDraft, draftCron, previewBody } from '../../jobs/scheduleDraft';
import { useI18n } from '../../i18n';
import { useDebouncedValue } from '../useDebouncedValue';
import { errorText } from '../errors';
import { formatInZone } from './fireTimes';

/** How long typing must pause before the server is asked for the next fire times. */
export const kPreviewDelayMs = 400;

export interface ScheduleMeaning {
  /** The expression in words; null while there is none that reads. */
  meaning: string | null;
  /** Why the expression does not read (shown at the cron field). */
  cronProblem: string | null;
  /** The preview's 422: the member it names ("cron", "timezone"...) and why. */
  serverProblem: { field: string; message: string } | null;
  /** Any other failure of the preview. */
  failure: string | null;
  next: string[] | null;
  loading: boolean;
  /** The server's own description, for a stored weekdays × times spec. */
  serverMeaning: string | null;
}

export function useScheduleMeaning(draft: ScheduleDraft): ScheduleMeaning {
  const { m, language } = useI18n();
  const cron = draftCron(draft);
  const described = draft.keptSpec ? null : cron ? describeCron(cron, m.jobs.cron) : null;
  const readable = draft.keptSpec !== null || described?.ok === true;
  const body = readable ? previewBody(draft) : null;
  const bodyKey = JSON.stringify(body);
  const settled = useDebouncedValue(body, kPreviewDelayMs, bodyKey);
  const preview = useSchedulePreview(settled, kNextFireCount);
  const error = preview.error;
  const field = error instanceof ApiError ? error.field : null;
  /** Typing has not paused yet: the list shown is for an earlier expression. */
  const waiting = JSON.stringify(settled) !== bodyKey;
  return {
    meaning: described?.ok ? described.text : null,
    cronProblem: described && !described.ok ? described.problem : null,
    serverProblem: field && error ? { field, message: error.message } : null,
    failure: error && !field ? errorText(m, error) : null,
    next: body !== null && preview.data ? preview.data.next : null,
    loading: body !== null && (waiting || preview.isFetching) && !(error && !waiting),
    serverMeaning: draft.keptSpec && preview.data ? preview.data.description[language] : null,
  };
}

export function SchedulePreview({
  meaning,
  timezone,
}: {
  meaning: ScheduleMeaning;
  timezone: string;
}) {
  const { m, language } = useI18n();
  const t = m.jobs.schedules;
  const id = useId();
  return (
    <div className="schedule-preview">
      <div className="field">
        <span className="field-label">{t.meaning}</span>
        <p className="cron-meaning" data-testid="cron-meaning" aria-live="polite">
          {meaning.meaning ?? meaning.serverMeaning ?? '—'}
        </p>
      </div>
      <div className="field" aria-busy={meaning.loading}>
        <span className="field-label" id={`${id}-title`}>
          {t.preview}
        </span>
        <p className="field-hint">{t.previewIn(timezone)}</p>
        {meaning.failure ? <p className="field-error">{meaning.failure}</p> : null}
        {meaning.next && meaning.next.length === 0 ? <p>{t.previewNever}</p> : null}
        {meaning.next && meaning.next.length > 0 ? (
          <ol
            className={meaning.loading ? 'next-fires next-fires-stale' : 'next-fires'}
            aria-labelledby={`${id}-title`}
            data-testid="next-fires"
            data-stale={meaning.loading ? 'true' : 'false'}
          >
            {meaning.next.map((at) => (
              <li key={at}>
                <time dateTime={at}>{formatInZone(language, at, timezone)}</time>
              </li>
            ))}
          </ol>
        ) : null}
        {meaning.loading && !meaning.next ? <p role="status">{t.previewLoading}</p> : null}
      </div>
    </div>
  );
}
