/** Open orders with a ship-by, late ones first, then the soonest due (docs/design.md §17). */
import { api, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { Link } from '../router';
import type { OrderList, OrderSummary } from '../types';

const MAX_PAGES = 10;
/** Far enough ahead to list every open order that has a ship-by. */
const HORIZON_MS = 366 * 24 * 3_600_000;

export function atRiskOrder(a: OrderSummary, b: OrderSummary): number {
  if (Boolean(a.late) !== Boolean(b.late)) return a.late ? -1 : 1;
  return (a.shipBy ?? '').localeCompare(b.shipBy ?? '') || a.orderId.localeCompare(b.orderId);
}

async function loadAtRisk(): Promise<{ orders: OrderSummary[]; truncated: boolean }> {
  const all: OrderSummary[] = [];
  const before = new Date(Date.now() + HORIZON_MS).toISOString();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api<OrderList>('GET', `/orders${query({ shipByBefore: before, limit: '500', cursor })}`);
    all.push(...res.orders);
    cursor = res.nextCursor;
    if (!cursor) return { orders: all.sort(atRiskOrder), truncated: false };
  }
  return { orders: all.sort(atRiskOrder), truncated: true };
}

export function AtRiskPage() {
  const { data, error, loading, reload } = useApiData(loadAtRisk, [], 15_000);
  return (
    <main>
      <h1>At risk</h1>
      <p>
        Open orders with a ship-by: late ones first, then the soonest due.{' '}
        <button type="button" onClick={() => void reload()} disabled={loading}>
          Refresh
        </button>
      </p>
      <ErrorNote error={error} />
      {data && data.orders.length === 0 && <p className="empty">No open order has a ship-by.</p>}
      {data && data.orders.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Late first, then by ship-by</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Ship by</th>
                <th scope="col">Status</th>
                <th scope="col">Channel</th>
                <th scope="col">Warehouses</th>
              </tr>
            </thead>
            <tbody>
              {data.orders.map((o) => (
                <tr key={o.orderId} className={o.late ? 'late' : undefined}>
                  <td>
                    <Link to={`/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</Link>
                  </td>
                  <td>
                    {when(o.shipBy)}
                    {o.late && <span className="badge badge-warn"> late</span>}
                  </td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td>{o.channel ?? '—'}</td>
                  <td>{o.warehouseIds.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.truncated && <p className="note">Only the first {MAX_PAGES * 500} are shown.</p>}
    </main>
  );
}
