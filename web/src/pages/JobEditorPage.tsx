import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { type Job, useDeleteJob, useJob } from '../api/jobs';
import { hasPermission, kPermission } from '../auth/permissions';
import { useSignedIn } from '../auth/session';
import { ErrorAlert, Notice } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { errorText } from '../components/errors';
import { JobForm } from '../components/jobs/JobForm';
import { jobPath } from '../components/jobs/JobRow';
import { JobSummary } from '../components/jobs/JobSummary';
import { JobVersions } from '../components/jobs/JobVersions';
import { RunNowButton } from '../components/jobs/RunNowButton';
import { ScheduleSection } from '../components/jobs/ScheduleSection';
import { useI18n } from '../i18n';

/** What a page passes to the next one it navigates to: a notice to show there. */
export interface NoticeState {
  notice?: string;
}

function noticeOf(state: unknown): string | null {
  const notice = (state as NoticeState | null)?.notice;
  return typeof notice === 'string' ? notice : null;
}

function DeleteJob({ job }: { job: Job }) {
  const { m } = useI18n();
  const t = m.jobs.editor;
  const navigate = useNavigate();
  const remove = useDeleteJob();
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" className="button button-danger" onClick={() => setAsking(true)}>
        {t.delete}
      </button>
      {asking ? (
        <ConfirmDialog
          title={t.deleteTitle(job.name)}
          body={t.deleteBody}
          confirmLabel={t.delete}
          danger
          pending={remove.isPending}
          error={remove.isError ? errorText(m, remove.error) : null}
          onClose={() => setAsking(false)}
          onConfirm={() =>
            remove.mutate(job.id, {
              onSuccess: () =>
                navigate('/jobs', { state: { notice: t.deleted(job.name) } satisfies NoticeState }),
            })
          }
        />
      ) : null}
    </>
  );
}

function NewJob() {
  const { m } = useI18n();
  const me = useSignedIn();
  const navigate = useNavigate();
  const canWrite = hasPermission(me, kPermission.jobsWrite);
  return (
    <>
      <div className="page-head">
        <h1>{m.jobs.editor.createTitle}</h1>
      </div>
      {canWrite ? (
        <>
          <JobForm
            onSaved={(job) =>
              navigate(jobPath(job.id), {
                replace: true,
                state: { notice: m.jobs.editor.created(job.name) } satisfies NoticeState,
              })
            }
          />
          <ScheduleSection jobId={null} jobEnabled canWrite />
        </>
      ) : (
        <p className="alert alert-warning">{m.jobs.editor.cannotCreate}</p>
      )}
    </>
  );
}

function ExistingJob({ jobId }: { jobId: string }) {
  const { m } = useI18n();
  const t = m.jobs.editor;
  const me = useSignedIn();
  const location = useLocation();
  const canWrite = hasPermission(me, kPermission.jobsWrite);
  const canTrigger = hasPermission(me, kPermission.runsTrigger);
  const job = useJob(jobId);
  const [notice, setNotice] = useState<string | null>(() => noticeOf(location.state));

  if (job.isPending) return <p role="status">{m.common.loading}</p>;
  if (job.isError) {
    const missing = job.error instanceof ApiError && job.error.status === 404;
    return <ErrorAlert>{missing ? t.notFound : errorText(m, job.error)}</ErrorAlert>;
  }
  const current = job.data;
  return (
    <>
      <div className="page-head">
        <h1>{current.name}</h1>
        <div className="row-actions">
          {canTrigger ? <RunNowButton job={current} /> : null}
          {canWrite ? <DeleteJob job={current} /> : null}
        </div>
      </div>
      <Notice>{notice}</Notice>
      {canWrite ? (
        <JobForm job={current} onSaved={(saved) => setNotice(t.saved(saved.version))} />
      ) : (
        <>
          <p className="field-hint">{t.readOnly}</p>
          <JobSummary job={current} />
        </>
      )}
      <ScheduleSection jobId={current.id} jobEnabled={current.enabled} canWrite={canWrite} />
      <JobVersions jobId={current.id} current={current.version} />
    </>
  );
}

/**
 * /jobs/new and /jobs/:jobId: the job editor for people who may change jobs, a read-only
 * view for everyone else; the job's schedules and versions below.
 */
export function JobEditorPage() {
  const { m } = useI18n();
  const { jobId } = useParams();
  return (
    <section className="page job-page">
      <p className="back-link">
        <Link to="/jobs">← {m.jobs.editor.back}</Link>
      </p>
      {/* Keyed by job, so moving from /jobs/new to the created job starts afresh. */}
      {jobId ? <ExistingJob key={jobId} jobId={jobId} /> : <NewJob key="new" />}
    </section>
  );
}
