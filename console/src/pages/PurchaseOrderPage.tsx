/** One purchase order: lines, receipts, history, and the actions the role may take (docs/design.md §15). */
import { api, enc } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { DocHistoryList, parseLines, SimpleForm } from '../components/SimpleForm';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link } from '../router';
import type { Identity } from '../session';
import type { PurchaseOrder } from '../types';

export function PurchaseOrderPage({ id, me }: { id: string; me: Identity }) {
  const po = useApiData(() => api<PurchaseOrder>('GET', `/purchase-orders/${enc(id)}`), [id]);
  const path = `/purchase-orders/${enc(id)}`;
  const act = async (method: 'POST' | 'PATCH', suffix: string, body: unknown) => {
    await api(method, `${path}${suffix}`, body);
    await po.reload();
  };
  const p = po.data;
  const open = p && (p.status === 'open' || p.status === 'partially_received');
  return (
    <main>
      <p>
        <Link to="/purchase-orders">← Purchase orders</Link>
      </p>
      <h1>Purchase order {id}</h1>
      <ErrorNote error={po.error} />
      {p && (
        <>
          <section className="card">
            <p>
              <StatusBadge status={p.status} /> {p.late && <span className="badge badge-bad">late</span>}
            </p>
            <dl className="details">
              <dt>Supplier</dt>
              <dd>{p.supplier}</dd>
              <dt>Warehouse</dt>
              <dd>{p.warehouseId}</dd>
              <dt>Expected</dt>
              <dd data-testid="expected">{when(p.expectedAt)}</dd>
            </dl>
            <table data-testid="po-lines">
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Ordered</th>
                  <th scope="col">Received</th>
                  <th scope="col">Outstanding</th>
                </tr>
              </thead>
              <tbody>
                {p.lines.map((l) => (
                  <tr key={l.sku}>
                    <th scope="row">
                      <Link to={`/skus/${enc(l.sku)}`}>{l.sku}</Link>
                    </th>
                    <td>{l.ordered}</td>
                    <td>{l.received}</td>
                    <td>{l.outstanding}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Receipts</h3>
            <ul>
              {p.receipts.map((r) => (
                <li key={r.receiptId}>
                  {r.receiptId} · {when(r.at)} · {r.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}
                </li>
              ))}
            </ul>
          </section>
          {open && (
            <div className="grid">
              {may(me.role, 'move') && (
                <SimpleForm
                  title="Receive units"
                  submitLabel="Receive"
                  fields={[
                    { name: 'receiptId', label: 'Receipt id' },
                    { name: 'lines', label: 'Lines', placeholder: 'SKU-1 x 4' },
                  ]}
                  onSubmit={(v) => act('POST', '/receipts', { receiptId: v.receiptId, lines: parseLines(v.lines) })}
                />
              )}
              {may(me.role, 'documents') && (
                <>
                  <SimpleForm title="Move the date" submitLabel="Move" fields={[{ name: 'expectedAt', label: 'Expected at (ISO date)' }]} onSubmit={(v) => act('PATCH', '', { expectedAt: v.expectedAt })} />
                  <SimpleForm title="Close short" submitLabel="Close" fields={[{ name: 'reason', label: 'Reason' }]} onSubmit={(v) => act('POST', '/close', { reason: v.reason })} />
                  {p.receipts.length === 0 && <SimpleForm title="Cancel the PO" submitLabel="Cancel PO" fields={[{ name: 'reason', label: 'Reason' }]} onSubmit={(v) => act('POST', '/cancel', { reason: v.reason })} />}
                </>
              )}
            </div>
          )}
          <DocHistoryList history={p.history} />
        </>
      )}
    </main>
  );
}
