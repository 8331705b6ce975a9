/** Purchase orders (docs/design.md §15): the list with filters, and for admins the form that opens one. */
import { api, enc, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { FilterForm, useUrlFilters } from '../components/FilterForm';
import { when } from '../components/OrderTable';
import { parseLines, SimpleForm } from '../components/SimpleForm';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link, navigate } from '../router';
import type { Identity } from '../session';
import type { PurchaseOrder } from '../types';

const FILTERS = ['status', 'warehouseId', 'sku', 'supplier'] as const;

export function PurchaseOrdersPage({ me }: { me: Identity }) {
  const { filters, key } = useUrlFilters(FILTERS);
  const list = useApiData(() => api<{ purchaseOrders: PurchaseOrder[]; nextCursor?: string }>('GET', `/purchase-orders${query({ ...filters, limit: '50' })}`), [key]);

  return (
    <main>
      <h1>Purchase orders</h1>
      <FilterForm label="Filter purchase orders" path="/purchase-orders" names={FILTERS} values={filters} />
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
