const LABELS: Record<string, string> = {
  running: 'running',
  awaiting_approval: 'awaiting approval',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  orphaned: 'orphaned',
};

/** A run (or step) status as a coloured pill; `running` pulses. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {LABELS[status] ?? status.replaceAll('_', ' ')}
    </span>
  );
}
