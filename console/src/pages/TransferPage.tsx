/** One transfer: lines (shipped, received, lost), history, and the actions the role may take (docs/design.md §15). */
import { api, enc } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { DocHistoryList, parseLines, SimpleForm } from '../components/SimpleForm';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link } from '../router';
import type { Identity } from '../session';
import type { Transfer } from '../types';

export function TransferPage({ id, me }: { id: string; me: Identity }) {
  const tr = useApiData(() => api<Transfer>('GET', `/transfers/${enc(id)}`), [id]);
  const act = async (suffix: string, body: unknown) => {
    await api('POST', `/transfers/${enc(id)}${suffix}`, body);
    await tr.reload();
  };
  const t = tr.data;
  return (
    <main>
      <p>
        <Link to="/transfers">← Transfers</Link>
      </p>
      <h1>Transfer {id}</h1>
      <ErrorNote error={tr.error} />
      {t && (
        <>
          <section className="card">
            <p>
              <StatusBadge status={t.status} />
            </p>
            <dl className="details">
              <dt>From → to</dt>
              <dd>
                {t.fromWarehouseId} → {t.toWarehouseId}
              </dd>
              <dt>Expected</dt>
              <dd>{when(t.expectedAt)}</dd>
              {t.carrier && (
                <>
                  <dt>Carrier</dt>
                  <dd>
                    {t.carrier} {t.trackingNumber ?? ''}
                  </dd>
                </>
              )}
            </dl>
            <table data-testid="transfer-lines">
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Shipped</th>
                  <th scope="col">Received</th>
                  <th scope="col">Lost</th>
                </tr>
              </thead>
              <tbody>
                {t.lines.map((l) => (
                  <tr key={l.sku}>
                    <th scope="row">
                      <Link to={`/skus/${enc(l.sku)}`}>{l.sku}</Link>
                    </th>
                    <td>{l.quantity}</td>
                    <td>{l.shipped}</td>
                    <td>{l.received}</td>
                    <td>{l.lost}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <div className="grid">
            {t.status === 'requested' && may(me.role, 'move') && (
              <SimpleForm
                title="Ship"
                submitLabel="Ship"
                fields={[
                  { name: 'carrier', label: 'Carrier (optional)', required: false },
                  { name: 'trackingNumber', label: 'Tracking number (optional)', required: false },
                ]}
                onSubmit={(v) => act('/ship', { ...(v.carrier ? { carrier: v.carrier } : {}), ...(v.trackingNumber ? { trackingNumber: v.trackingNumber } : {}) })}
              />
            )}
            {(t.status === 'in_transit' || t.status === 'needs_attention') && may(me.role, 'move') && (
              <SimpleForm
                title="Receive"
                submitLabel="Receive"
                fields={[
                  { name: 'receiptId', label: 'Receipt id' },
                  { name: 'lines', label: 'Lines received', placeholder: 'SKU-1 x 3' },
                ]}
                onSubmit={(v) => act('/receive', { receiptId: v.receiptId, lines: parseLines(v.lines) })}
              />
            )}
            {t.status === 'requested' && may(me.role, 'documents') && (
              <SimpleForm title="Cancel the transfer" submitLabel="Cancel transfer" fields={[{ name: 'reason', label: 'Reason' }]} onSubmit={(v) => act('/cancel', { reason: v.reason })} />
            )}
          </div>
          <DocHistoryList history={t.history} />
        </>
      )}
    </main>
  );
}
