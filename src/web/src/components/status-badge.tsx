const LABELS: Record<string, string> = {
  running: 'running',
  awaiting_approval: 'awaiting approval',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  orphaned: 'orphaned',
};

/** A run (or step) status as a coloured pill; `running` pulses. `compact`: the dot alone (narrow tables). */
export function StatusBadge({ status, compact = false }: { status: string; compact?: boolean }) {
  const label = LABELS[status] ?? status.replaceAll('_', ' ');
  if (compact) {
    return (
      <span className={`badge badge-compact badge-${status}`} data-status={status} title={label}>
        <span className="badge-dot" aria-hidden="true" />
        <span className="visually-hidden">{label}</span>
      </span>
    );
  }
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
