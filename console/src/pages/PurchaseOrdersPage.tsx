/** Purchase orders (docs/design.md §15): the list with filters, and for admins the form that opens one. */
import { api, enc, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { parseLines, SimpleForm } from '../components/SimpleForm';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link, navigate, useLocation } from '../router';
import type { Identity } from '../session';
import type { PurchaseOrder } from '../types';

const FILTERS = ['status', 'warehouseId', 'sku', 'supplier'] as const;

export function PurchaseOrdersPage({ me }: { me: Identity }) {
  const { search } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? undefined]));
  const key = JSON.stringify(filters);
  const list = useApiData(() => api<{ purchaseOrders: PurchaseOrder[]; nextCursor?: string }>('GET', `/purchase-orders${query({ ...filters, limit: '50' })}`), [key]);
  const apply = (values: Record<string, string>) => navigate(`/purchase-orders${query(values)}`);

  return (
    <main>
      <h1>Purchase orders</h1>
      <form
        className="card inline-form"
        aria-label="Filter purchase orders"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          apply(Object.fromEntries(FILTERS.map((f) => [f, String(form.get(f) ?? '').trim()])));
        }}
      >
        {FILTERS.map((f) => (
          <label key={f}>
            {f}
            <input name={f} defaultValue={filters[f]} />
          </label>
        ))}
        <button type="submit">Filter</button>
      </form>
      {may(me.role, 'documents') && (
        <SimpleForm
          title="Open a purchase order"
          submitLabel="Open"
          fields={[
            { name: 'supplier', label: 'Supplier' },
            { name: 'warehouseId', label: 'Warehouse' },
            { name: 'expectedAt', label: 'Expected at (ISO date)', placeholder: '2027-01-15' },
            { name: 'lines', label: 'Lines', placeholder: 'SKU-1 x 10, SKU-2 x 5' },
          ]}
          onSubmit={async (v) => {
            const po = await api<PurchaseOrder>('POST', '/purchase-orders', { supplier: v.supplier, warehouseId: v.warehouseId, expectedAt: v.expectedAt, lines: parseLines(v.lines) });
            navigate(`/purchase-orders/${enc(po.purchaseOrderId)}`);
          }}
        />
      )}
      <ErrorNote error={list.error} />
      <section className="card">
        <table data-testid="purchase-orders">
          <thead>
            <tr>
              <th scope="col">PO</th>
              <th scope="col">Status</th>
              <th scope="col">Supplier</th>
              <th scope="col">Warehouse</th>
              <th scope="col">Expected</th>
              <th scope="col">Outstanding</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.purchaseOrders ?? []).map((po) => (
              <tr key={po.purchaseOrderId}>
                <td>
                  <Link to={`/purchase-orders/${enc(po.purchaseOrderId)}`}>{po.purchaseOrderId}</Link>
                </td>
                <td>
                  <StatusBadge status={po.status} /> {po.late && <span className="badge badge-bad">late</span>}
                </td>
                <td>{po.supplier}</td>
                <td>{po.warehouseId}</td>
                <td>{when(po.expectedAt)}</td>
                <td>{po.lines.reduce((n, l) => n + l.outstanding, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && list.data.purchaseOrders.length === 0 && <p className="empty">No purchase orders.</p>}
      </section>
    </main>
  );
}
