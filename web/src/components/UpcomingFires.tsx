// The next fires of enabled schedules, soonest first: each names its job, linked to the job.
import { useId } from 'react';
import { Link } from 'react-router';
import type { UpcomingFire } from '../api/overview';
import { useI18n } from '../i18n';
import { RelativeTime } from './RelativeTime';

interface UpcomingFiresProps {
  fires: UpcomingFire[];
  nowMs: number;
}

export function UpcomingFires({ fires, nowMs }: UpcomingFiresProps) {
  const { m } = useI18n();
  const headingId = useId();
  return (
    <section className="card overview-list" aria-labelledby={headingId}>
      <h2 id={headingId}>{m.overview.upcoming}</h2>
      {fires.length === 0 ? (
        <p className="detail" data-testid="upcoming-empty">
          {m.overview.noUpcoming}
        </p>
      ) : (
        <ul data-testid="upcoming-fires">
          {fires.map((fire) => (
            <li key={`${fire.schedule_id} ${fire.fire_at}`} data-testid="upcoming-fire">
              <div className="overview-item-head">
                <Link to={`/jobs/${encodeURIComponent(fire.job_id)}`}>{fire.job_name}</Link>
              </div>
              <RelativeTime iso={fire.fire_at} nowMs={nowMs} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
