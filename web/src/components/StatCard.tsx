// One figure of the home overview: a label, the value in large type, and a line of detail.
// Rendered as a group of a description list (the parent is a <dl>), so screen readers read
// "label, value, detail" together.
import type { ReactNode } from 'react';

interface StatCardProps {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  testId?: string;
}

export function StatCard({ label, value, detail, testId }: StatCardProps) {
  return (
    <div className="card stat-card" data-testid={testId}>
      <dt className="stat-label">{label}</dt>
      <dd className="stat-value">{value}</dd>
      {detail ? <dd className="stat-detail">{detail}</dd> : null}
    </div>
  );
}
