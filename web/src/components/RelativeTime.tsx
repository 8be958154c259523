// A moment shown relative to another ("in 5 minutes", "3 hours ago") with the absolute local
// date and time beside it (or, `compact`, only as its tooltip).
import { useI18n } from '../i18n';
import { formatDateTime } from './format';
import { formatRelative } from './overviewFormat';

interface RelativeTimeProps {
  iso: string;
  /** The moment "now" stands for, in epoch milliseconds (e.g. when the data was produced). */
  nowMs: number;
  compact?: boolean;
}

export function RelativeTime({ iso, nowMs, compact = false }: RelativeTimeProps) {
  const { language } = useI18n();
  const absolute = formatDateTime(language, iso);
  return (
    <span className="relative-time">
      <time dateTime={iso} title={absolute}>
        {formatRelative(language, iso, nowMs)}
      </time>
      {compact ? null : <span className="detail">{absolute}</span>}
    </span>
  );
}
