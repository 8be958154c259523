import type { ReactNode } from 'react';

/** An error the user must notice: announced at once by screen readers (role="alert"). */
export function ErrorAlert({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="alert alert-error">
      {children}
    </p>
  );
}

/** The outcome of something the user did, announced politely (role="status"). */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className={children ? 'alert alert-good' : 'visually-hidden'}>
      {children}
    </p>
  );
}
