const TONE: Record<string, string> = {
  delivered: 'ok', shipped: 'ok', cancelled: 'muted', rejected: 'bad', timed_out: 'bad',
  needs_attention: 'bad', on_hold: 'warn', awaiting_stock: 'warn',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${TONE[status] ?? 'info'}`} data-testid="status">
      {status}
    </span>
  );
}
