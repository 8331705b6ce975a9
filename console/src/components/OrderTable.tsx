import { Link } from '../router';
import type { OrderSummary } from '../types';
import { StatusBadge } from './StatusBadge';

export const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

export function OrderTable({ orders, caption }: { orders: OrderSummary[]; caption: string }) {
  if (orders.length === 0) return <p className="empty">No orders.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Status</th>
            <th scope="col">Customer</th>
            <th scope="col">Channel</th>
            <th scope="col">SKUs</th>
            <th scope="col">Warehouses</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.orderId}>
              <td>
                <Link to={`/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</Link>
              </td>
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td>{o.customerId ?? '—'}</td>
              <td>{o.channel ?? '—'}</td>
              <td>{o.skus.join(', ')}</td>
              <td>{o.warehouseIds.join(', ')}</td>
              <td>{when(o.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
