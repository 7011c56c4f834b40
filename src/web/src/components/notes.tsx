import type { ReactNode } from 'react';

/** An error line in red, or nothing. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="note note-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A quiet "Loading…" placeholder. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return <p className="muted loading">{what}…</p>;
}

/** A page title with optional actions on the right. */
export function PageHeader({
  title,
  sub,
  actions,
}: {
  title: ReactNode;
  sub?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {sub ? <p className="page-sub">{sub}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** A labelled figure in a row of statistics. */
export function Stat({ label, value, title }: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="stat" title={title}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
