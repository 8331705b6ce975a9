/** A SKU's stock per warehouse, its ledger movements and open reorder alerts; receipts and adjustments for admins. */
import { useState, type FormEvent } from 'react';
import { api, enc, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link } from '../router';
import type { Identity } from '../session';
import type { Alert, Movement, SkuLevels } from '../types';

function StockForm({ sku, kind, onDone }: { sku: string; kind: 'receipt' | 'adjustment'; onDone(): void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const warehouseId = String(form.get('warehouseId')).trim();
    const amount = Number(form.get('amount'));
    const text = String(form.get('text') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      if (kind === 'receipt') await api('POST', '/inventory/receipts', { warehouseId, sku, quantity: amount, ...(text ? { reference: text } : {}) });
      else await api('POST', '/inventory/adjustments', { warehouseId, sku, delta: amount, reason: text });
      formEl.reset();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} aria-label={kind === 'receipt' ? 'Receive stock' : 'Correct a count'}>
      <h3>{kind === 'receipt' ? 'Receive stock' : 'Correct a count'}</h3>
      <label>
        Warehouse
        <input name="warehouseId" required />
      </label>
      <label>
        {kind === 'receipt' ? 'Quantity' : 'Delta (+/−)'}
        <input name="amount" type="number" required step={1} min={kind === 'receipt' ? 1 : undefined} />
      </label>
      <label>
        {kind === 'receipt' ? 'Reference (optional)' : 'Reason'}
        <input name="text" required={kind === 'adjustment'} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {kind === 'receipt' ? 'Receive' : 'Adjust'}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

export function SkuPage({ sku, me }: { sku: string; me: Identity }) {
  const levels = useApiData(() => api<SkuLevels>('GET', `/inventory/${enc(sku)}`), [sku]);
  const alerts = useApiData(async () => (await api<{ alerts: Alert[] }>('GET', '/inventory/alerts')).alerts.filter((a) => a.sku === sku), [sku]);
  const [older, setOlder] = useState<{ movements: Movement[]; next?: string }>({ movements: [] });
  const movements = useApiData(() => api<{ movements: Movement[]; nextCursor?: string }>('GET', `/inventory/${enc(sku)}/movements${query({ limit: '50' })}`), [sku]);
  const [moreError, setMoreError] = useState<unknown>();
  const next = older.next ?? movements.data?.nextCursor;

  const loadMore = async () => {
    try {
      const page = await api<{ movements: Movement[]; nextCursor?: string }>('GET', `/inventory/${enc(sku)}/movements${query({ limit: '50', cursor: next })}`);
      setOlder((o) => ({ movements: [...o.movements, ...page.movements], next: page.nextCursor }));
    } catch (err) {
      setMoreError(err);
    }
  };
  const refresh = () => {
    setOlder({ movements: [] });
    void levels.reload();
    void alerts.reload();
    void movements.reload();
  };
  const rows = [...(movements.data?.movements ?? []), ...older.movements];

  return (
    <main>
      <div className="title-row">
        <h1>SKU {sku}</h1>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      <ErrorNote error={levels.error} />
      {levels.data && (
        <section className="card">
          <h2>Stock</h2>
          <table data-testid="levels">
            <caption>
              Total: {levels.data.onHand} on hand, {levels.data.reserved} reserved, {levels.data.available} available, {levels.data.incoming} incoming, {levels.data.inTransit} in transit
            </caption>
            <thead>
              <tr>
                <th scope="col">Warehouse</th>
                <th scope="col">On hand</th>
                <th scope="col">Reserved</th>
                <th scope="col">Available</th>
                <th scope="col">Incoming</th>
                <th scope="col">In transit</th>
              </tr>
            </thead>
            <tbody>
              {levels.data.levels.map((l) => (
                <tr key={l.warehouseId} data-testid={`level-${l.warehouseId}`}>
                  <th scope="row">{l.warehouseId}</th>
                  <td>{l.onHand}</td>
                  <td>{l.reserved}</td>
                  <td>{l.available}</td>
                  <td>{l.incoming}</td>
                  <td>{l.inTransit}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {levels.data && (
        <section className="card">
          <h2>Supply on its way</h2>
          {levels.data.supply.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <ul data-testid="supply">
              {levels.data.supply.map((s) => (
                <li key={`${s.source}:${s.id}`}>
                  {s.quantity} to {s.warehouseId}, expected {s.expectedAt ? when(s.expectedAt) : 'undated'} ·{' '}
                  <Link to={`/${s.source === 'transfer' ? 'transfers' : 'purchase-orders'}/${enc(s.id)}`}>{s.id}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <section className="card">
        <h2>Open reorder alerts</h2>
        <ErrorNote error={alerts.error} />
        {alerts.data &&
          (alerts.data.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <ul>
              {alerts.data.map((a) => (
                <li key={a.id}>
                  {a.available} available at reorder point {a.reorderPoint}, since {when(a.openedAt)}
                </li>
              ))}
            </ul>
          ))}
      </section>
      {may(me.role, 'stock') && (
        <div className="grid">
          <StockForm sku={sku} kind="receipt" onDone={refresh} />
          <StockForm sku={sku} kind="adjustment" onDone={refresh} />
        </div>
      )}
      <section className="card">
        <h2>Movements</h2>
        <ErrorNote error={movements.error ?? moreError} />
        <div className="table-wrap">
          <table>
            <caption>Newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Warehouse</th>
                <th scope="col">Kind</th>
                <th scope="col">On hand Δ</th>
                <th scope="col">Reserved Δ</th>
                <th scope="col">Order</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td>{when(m.createdAt)}</td>
                  <td>{m.warehouseId}</td>
                  <td>{m.kind}</td>
                  <td>{m.onHandDelta}</td>
                  <td>{m.reservedDelta}</td>
                  <td>{m.orderId ? <Link to={`/orders/${enc(m.orderId)}`}>{m.orderId}</Link> : '—'}</td>
                  <td>{m.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {next && (
          <button type="button" onClick={() => void loadMore()}>
            Older movements
          </button>
        )}
      </section>
    </main>
  );
}
