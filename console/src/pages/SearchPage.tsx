/** Order search over GET /orders (Temporal visibility: a change shows after a short delay). */
import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { OrderTable } from '../components/OrderTable';
import { navigate } from '../router';
import { ORDER_STATUSES, type OrderList, type OrderSummary } from '../types';

type Filters = Record<string, string | undefined>;

/** datetime-local has no zone: it means the browser's local time. */
const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

export function SearchPage() {
  const [filters, setFilters] = useState<Filters>();
  const [orders, setOrders] = useState<OrderSummary[]>([]);
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const fetchPage = async (f: Filters, cursor: string | undefined, append: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const page = await api<OrderList>('GET', `/orders${query({ ...f, cursor })}`);
      setOrders((prev) => (append ? [...prev, ...page.orders] : page.orders));
      setNext(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const orderId = field('orderId');
    if (orderId) return navigate(`/orders/${encodeURIComponent(orderId)}`);
    const f: Filters = {
      customerId: field('customerId'),
      status: field('status'),
      channel: field('channel'),
      sku: field('sku'),
      warehouseId: field('warehouseId'),
      createdAfter: isoOf(field('createdAfter') ?? ''),
      createdBefore: isoOf(field('createdBefore') ?? ''),
      limit: '25',
    };
    setFilters(f);
    void fetchPage(f, undefined, false);
  };

  return (
    <main>
      <h1>Orders</h1>
      <form className="card search" onSubmit={submit} aria-label="Search orders">
        <label>
          Order id
          <input name="orderId" placeholder="opens the order" />
        </label>
        <label>
          Customer id
          <input name="customerId" />
        </label>
        <label>
          Status
          <select name="status" defaultValue="">
            <option value="">any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Channel
          <input name="channel" />
        </label>
        <label>
          SKU
          <input name="sku" />
        </label>
        <label>
          Warehouse
          <input name="warehouseId" />
        </label>
        <label>
          Created after
          <input name="createdAfter" type="datetime-local" />
        </label>
        <label>
          Created before
          <input name="createdBefore" type="datetime-local" />
        </label>
        <div className="form-end">
          <button type="submit" className="primary" disabled={busy}>
            Search
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {filters && <OrderTable orders={orders} caption="Newest first" />}
      {filters && next && (
        <button type="button" onClick={() => void fetchPage(filters, next, true)} disabled={busy}>
          More
        </button>
      )}
    </main>
  );
}
