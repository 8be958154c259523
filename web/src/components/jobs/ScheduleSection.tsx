// The job's schedules on its page: each with its meaning, zone and next fire times; editors
// add, edit, switch on and off, and delete them (the builder is ScheduleDialog).
import { useState } from 'react';
import {
  type Schedule,
  useDeleteSchedule,
  useJobSchedules,
  useUpdateSchedule,
} from '../../api/schedules';
import { describeCron } from '../../jobs/cronDescribe';
import { cronOfSpec, toggledBody } from '../../jobs/scheduleDraft';
import { useI18n } from '../../i18n';
import { ErrorAlert, Notice } from '../Alert';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../errors';
import { formatInZone } from './fireTimes';
import { ScheduleDialog } from './ScheduleDialog';

/** A schedule in words: ours for a cron expression, else the server's description. */
function useScheduleText(schedule: Schedule): string {
  const { m, language } = useI18n();
  const cron = typeof schedule.spec.cron === 'string' ? schedule.spec.cron : null;
  const described = cron ? describeCron(cron, m.jobs.cron) : null;
  if (described?.ok) return described.text;
  return schedule.description?.[language] ?? cron ?? '';
}

function ScheduleItem({
  schedule,
  jobId,
  canWrite,
  onEdit,
  onDelete,
}: {
  schedule: Schedule;
  jobId: string;
  canWrite: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { m, language } = useI18n();
  const t = m.jobs.schedules;
  const update = useUpdateSchedule(jobId);
  const text = useScheduleText(schedule);
  const zone = typeof schedule.spec.timezone === 'string' ? schedule.spec.timezone : '';
  const cron = cronOfSpec(schedule.spec);
  const next = schedule.next ?? (schedule.next_fire_at ? [schedule.next_fire_at] : []);
  return (
    <li className="schedule-item" data-testid={`schedule-${schedule.id}`}>
      <div className="schedule-when">
        <p className="schedule-text">{text}</p>
        <p className="cell-sub">
          {typeof schedule.spec.cron === 'string' ? <code>{cron}</code> : null} {t.zone}: {zone}
        </p>
      </div>
      <div className="schedule-next">
        <span className="field-label">{t.next}</span>
        {schedule.enabled && next.length > 0 ? (
          <ol className="next-fires">
            {next.slice(0, 3).map((at) => (
              <li key={at}>
                <time dateTime={at}>{formatInZone(language, at, zone)}</time>
              </li>
            ))}
          </ol>
        ) : (
          <p className="cell-sub">{schedule.enabled ? t.previewNever : m.jobs.disabled}</p>
        )}
      </div>
      {canWrite ? (
        <div className="row-actions">
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={schedule.enabled}
              disabled={update.isPending}
              onChange={(e) =>
                update.mutate({ id: schedule.id, body: toggledBody(schedule, e.target.checked) })
              }
            />
            <span>{t.enabled}</span>
            <span className="visually-hidden"> {text}</span>
          </label>
          <button type="button" className="button button-small" onClick={onEdit}>
            {t.edit}
            <span className="visually-hidden"> {text}</span>
          </button>
          <button type="button" className="button button-small button-danger" onClick={onDelete}>
            {t.delete}
            <span className="visually-hidden"> {text}</span>
          </button>
          {update.isError ? (
            <span role="alert" className="field-error">
              {errorText(m, update.error)}
            </span>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

type Editing = { schedule?: Schedule } | null;

export function ScheduleSection({
  jobId,
  jobEnabled,
  canWrite,
}: {
  /** Null while the job is not saved yet. */
  jobId: string | null;
  jobEnabled: boolean;
  canWrite: boolean;
}) {
  const { m } = useI18n();
  const t = m.jobs.schedules;
  const schedules = useJobSchedules(jobId ?? '', undefined, jobId !== null);
  const remove = useDeleteSchedule(jobId ?? '');
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="job-schedules">
      <div className="page-head">
        <h2 id="job-schedules">{t.title}</h2>
        {canWrite && jobId ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setNotice(null);
              setEditing({});
            }}
          >
            {t.add}
          </button>
        ) : null}
      </div>
      <p className="field-hint">{t.lead}</p>
      {jobId === null ? <p>{t.saveFirst}</p> : null}
      {jobId !== null && !jobEnabled ? (
        <p className="alert alert-warning">{t.jobDisabled}</p>
      ) : null}
      <Notice>{notice}</Notice>
      {schedules.isPending && jobId ? <p role="status">{m.common.loading}</p> : null}
      <ErrorAlert>{schedules.isError ? errorText(m, schedules.error) : null}</ErrorAlert>
      {schedules.data && schedules.data.length === 0 ? <p>{t.none}</p> : null}
      {schedules.data && schedules.data.length > 0 && jobId ? (
        <ul className="schedule-list">
          {schedules.data.map((schedule) => (
            <ScheduleItem
              key={schedule.id}
              schedule={schedule}
              jobId={jobId}
              canWrite={canWrite}
              onEdit={() => {
                setNotice(null);
                setEditing({ schedule });
              }}
              onDelete={() => {
                setNotice(null);
                remove.reset();
                setDeleting(schedule);
              }}
            />
          ))}
        </ul>
      ) : null}
      {editing && jobId ? (
        <ScheduleDialog
          jobId={jobId}
          {...(editing.schedule ? { schedule: editing.schedule } : {})}
          onClose={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            setNotice(text);
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={t.deleteTitle}
          body={t.deleteBody}
          confirmLabel={t.delete}
          danger
          pending={remove.isPending}
          error={remove.isError ? errorText(m, remove.error) : null}
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                setDeleting(null);
                setNotice(t.deleted);
              },
            })
          }
        />
      ) : null}
    </section>
  );
}
