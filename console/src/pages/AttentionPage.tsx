/** Orders a person has to look at: needs_attention and on_hold, oldest first. */
import { api, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { OrderTable } from '../components/OrderTable';
import { useApiData } from '../components/useApiData';
import type { OrderList, OrderSummary } from '../types';

/** The API lists newest first; the queue wants the oldest first, so it reads every page (up to a bound). */
const MAX_PAGES = 10;

async function loadQueue(): Promise<{ orders: OrderSummary[]; truncated: boolean }> {
  const all: OrderSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api<OrderList>('GET', `/orders${query({ status: 'needs_attention,on_hold', limit: '500', cursor })}`);
    all.push(...res.orders);
    cursor = res.nextCursor;
    if (!cursor) return { orders: all.sort((a, b) => a.startedAt.localeCompare(b.startedAt)), truncated: false };
  }
  return { orders: all.sort((a, b) => a.startedAt.localeCompare(b.startedAt)), truncated: true };
}

export function AttentionPage() {
  const { data, error, loading, reload } = useApiData(loadQueue, [], 15_000);
  return (
    <main>
      <h1>Needs attention</h1>
      <p>
        Orders in <code>needs_attention</code> or <code>on_hold</code>, oldest first.{' '}
        <button type="button" onClick={() => void reload()} disabled={loading}>
          Refresh
        </button>
      </p>
      <ErrorNote error={error} />
      {data && <OrderTable orders={data.orders} caption="Oldest first" />}
      {data?.truncated && <p className="note">Only the newest {MAX_PAGES * 500} are shown.</p>}
    </main>
  );
}
