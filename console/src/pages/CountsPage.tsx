/** Counts (docs/design.md §16): those waiting for approval first, each with its lines; admins approve or reject. */
import { useState } from 'react';
import { api, enc, query } from '../api';
import { ActionDialog } from '../components/ActionDialog';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link } from '../router';
import type { Identity } from '../session';
import type { Count, CountList } from '../types';

type Filter = 'pending_approval' | 'applied' | 'rejected' | '';

function CountCard({ count, me, onDecided }: { count: Count; me: Identity; onDecided(): void }) {
  const [dialog, setDialog] = useState<'approve' | 'reject'>();
  const pending = count.status === 'pending_approval';
  return (
    <section className="card" data-testid={`count-${count.countId}`} aria-label={`Count ${count.countId}`}>
      <h2>
        Count {count.countId} <span className="badge" data-testid="count-status">{count.status}</span>
      </h2>
      <p>
        {count.warehouseId}, {count.source === 'cycle_count' ? 'cycle count' : 'warehouse report'} as of {when(count.countedAt)}
        {count.rejectionReason ? ` — rejected: ${count.rejectionReason}` : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Counted</th>
            <th scope="col">Expected</th>
            <th scope="col">Variance</th>
          </tr>
        </thead>
        <tbody>
          {count.lines.map((l) => (
            <tr key={l.sku} data-testid={`count-line-${l.sku}`}>
              <th scope="row">
                <Link to={`/skus/${enc(l.sku)}`}>{l.sku}</Link>
              </th>
              <td>{l.counted}</td>
              <td>{l.expected}</td>
              <td>{l.variance > 0 ? `+${l.variance}` : l.variance}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {count.reallocated.length > 0 && (
        <p>
          Re-allocated:{' '}
          {count.reallocated.map((r) => (
            <span key={`${r.orderId}-${r.sku}`}>
              <Link to={`/orders/${enc(r.orderId)}`}>{r.orderId}</Link> ({r.quantity} × {r.sku}){' '}
            </span>
          ))}
        </p>
      )}
      {pending && may(me.role, 'count') && (
        <div role="group" aria-label="Count actions">
          <button type="button" className="primary" onClick={() => setDialog('approve')}>
            Approve
          </button>{' '}
          <button type="button" className="danger" onClick={() => setDialog('reject')}>
            Reject
          </button>
        </div>
      )}
      {dialog === 'approve' && (
        <ActionDialog
          title={`Approve count ${count.countId}`}
          explain="The variances are applied now, compared again with the ledger as of the count's time. Holds a shortfall leaves uncovered are re-allocated."
          confirmLabel="Apply count"
          onConfirm={async () => {
            await api('POST', `/counts/${enc(count.countId)}/approve`);
            onDecided();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'reject' && (
        <ActionDialog
          title={`Reject count ${count.countId}`}
          explain="Nothing moves; the count stays on record as rejected."
          confirmLabel="Reject count"
          danger
          onConfirm={async (form) => {
            const reason = String(form.get('reason') ?? '').trim();
            await api('POST', `/counts/${enc(count.countId)}/reject`, reason ? { reason } : {});
            onDecided();
          }}
          onClose={() => setDialog(undefined)}
        >
          <label>
            Reason (optional)
            <input name="reason" />
          </label>
        </ActionDialog>
      )}
    </section>
  );
}

export function CountsPage({ me }: { me: Identity }) {
  const [status, setStatus] = useState<Filter>('pending_approval');
  const counts = useApiData(() => api<CountList>('GET', `/counts${query({ status, limit: '100' })}`), [status], 15_000);
  return (
    <main>
      <div className="title-row">
        <h1>Counts</h1>
        <button type="button" onClick={() => void counts.reload()} disabled={counts.loading}>
          Refresh
        </button>
      </div>
      <label>
        Status{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value as Filter)}>
          <option value="pending_approval">Waiting for approval</option>
          <option value="applied">Applied</option>
          <option value="rejected">Rejected</option>
          <option value="">All</option>
        </select>
      </label>
      <ErrorNote error={counts.error} />
      {counts.data && counts.data.counts.length === 0 && <p className="empty">No counts.</p>}
      {counts.data?.counts.map((c) => <CountCard key={c.countId} count={c} me={me} onDecided={() => void counts.reload()} />)}
    </main>
  );
}
