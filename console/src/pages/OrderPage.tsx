/** One order: its state from GET /orders/:id (refreshed while it is open), and its actions. */
import { useState } from 'react';
import { api, enc } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { when } from '../components/OrderTable';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link } from '../router';
import type { Identity } from '../session';
import { TERMINAL, type Actor, type Hold, type OrderView } from '../types';

/** A hold's actor as people read it: role, scope, and the key's fingerprint (never the key). */
const who = (a: Actor): string => `${a.role}${a.scope ? ` (${a.scope})` : ''} ${a.key}`;
import { OrderActions, ReleaseDialog } from './OrderActions';
import { OrderReturns } from './OrderReturns';

const POLL_MS = 2_500;

function Holds({ order, canRelease, onRelease }: { order: OrderView; canRelease: boolean; onRelease(h: Hold): void }) {
  if (order.holds.length === 0) return <p className="empty">No holds.</p>;
  return (
    <table>
      <caption>Holds</caption>
      <thead>
        <tr>
          <th scope="col">Reason</th>
          <th scope="col">Note</th>
          <th scope="col">Placed</th>
          <th scope="col">Until</th>
          <th scope="col">Released</th>
          <th scope="col"><span className="sr-only">Action</span></th>
        </tr>
      </thead>
      <tbody>
        {order.holds.map((h) => (
          <tr key={h.holdId} data-testid="hold">
            <td>{h.reason}</td>
            <td>{h.note ?? '—'}</td>
            <td>
              {when(h.placedAt)}
              {h.placedBy ? ` by ${who(h.placedBy)}` : ''}
            </td>
            <td>{when(h.until)}</td>
            <td>{h.releasedAt ? `${when(h.releasedAt)} (${h.releasedBy === 'until' ? 'by its time' : typeof h.releasedBy === 'object' ? `by hand: ${who(h.releasedBy)}` : 'by hand'})` : 'active'}</td>
            <td>
              {!h.releasedAt && canRelease && !TERMINAL.includes(order.status) && (
                <button type="button" onClick={() => onRelease(h)}>
                  Release
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fulfillments({ order }: { order: OrderView }) {
  if (order.fulfillments.length === 0) return <p className="empty">No fulfillments yet.</p>;
  return (
    <table>
      <caption>Fulfillments</caption>
      <thead>
        <tr>
          <th scope="col">Fulfillment</th>
          <th scope="col">Warehouse</th>
          <th scope="col">Lines</th>
          <th scope="col">Status</th>
          <th scope="col">Carrier / tracking</th>
        </tr>
      </thead>
      <tbody>
        {order.fulfillments.map((f) => (
          <tr key={f.fulfillmentId}>
            <td>{f.fulfillmentId}</td>
            <td>{f.warehouseId}</td>
            <td>{f.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}</td>
            <td>
              {f.status}
              {f.reason ? ` (${f.reason})` : ''}
            </td>
            <td>{f.shipment ? `${f.shipment.carrier} ${f.shipment.trackingNumber}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Details({ order }: { order: OrderView }) {
  const a = order.shippingAddress;
  return (
    <dl className="details">
      <dt>Customer</dt>
      <dd>
        {order.customer.id}
        {order.customer.name ? ` — ${order.customer.name}` : ''}
        {order.customer.email ? ` <${order.customer.email}>` : ''}
      </dd>
      <dt>Channel</dt>
      <dd>{order.channel}</dd>
      <dt>Ship to</dt>
      <dd>{[a.name, a.line1, a.line2, a.postalCode, a.city, a.region, a.country].filter(Boolean).join(', ')} ({order.shippingMethod})</dd>
      <dt>Lines</dt>
      <dd>
        {order.lines.map((l) => (
          <span key={l.sku} className="line">
            <Link to={`/skus/${enc(l.sku)}`}>{l.sku}</Link> × {l.quantity}
          </span>
        ))}
      </dd>
      <dt>Allocations</dt>
      <dd>{order.allocations.length ? order.allocations.map((x) => `${x.warehouseId}: ${x.sku} × ${x.quantity}`).join('; ') : '—'}</dd>
      {order.shipBy && (
        <>
          <dt>Ship by</dt>
          <dd data-testid="ship-by">
            {new Date(order.shipBy).toLocaleString()}
            {order.late && <span className="badge badge-warn"> late</span>}
          </dd>
        </>
      )}
      {order.sourcing && (
        <>
          <dt>Sourcing ({order.sourcing.strategy})</dt>
          <dd>
            <ul className="decisions">
              {order.sourcing.decisions.map((d) => (
                <li key={d.warehouseId}>
                  <strong>{d.warehouseId}</strong>: {d.reason}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {order.backordered.length > 0 && (
        <>
          <dt>Backordered</dt>
          <dd>{order.backordered.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}</dd>
          <dt>Promised</dt>
          <dd data-testid="promised">{order.promisedAt ? new Date(order.promisedAt).toLocaleString() : 'no date yet: the supply in sight does not cover it'}</dd>
        </>
      )}
      {order.cancelReason && (
        <>
          <dt>Cancel reason</dt>
          <dd>{order.cancelReason}</dd>
        </>
      )}
    </dl>
  );
}

export function OrderPage({ orderId, action, me }: { orderId: string; action: string | undefined; me: Identity }) {
  const [polling, setPolling] = useState(true);
  const { data: order, error, reload } = useApiData(() => api<OrderView>('GET', `/orders/${enc(orderId)}`), [orderId], polling ? POLL_MS : undefined);
  const [releasing, setReleasing] = useState<Hold>();
  if (order && TERMINAL.includes(order.status) && polling) setPolling(false);

  if (!order) {
    return (
      <main>
        <h1>Order {orderId}</h1>
        <ErrorNote error={error} />
        {!error && <p>Loading…</p>}
      </main>
    );
  }
  const refresh = () => void reload();
  return (
    <main>
      <div className="title-row">
        <h1>
          Order {order.orderId} <StatusBadge status={order.status} />
        </h1>
        <div>
          {order.links?.temporalUi && (
            <a href={order.links.temporalUi} target="_blank" rel="noreferrer">
              Workflow in the Temporal UI
            </a>
          )}{' '}
          <button type="button" onClick={refresh}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      {order.lastError && (
        <div className="card attention" role="status">
          <strong>Last error</strong> in step <code>{order.failedStep ?? order.lastError.step}</code>
          {order.lastError.type ? ` (${order.lastError.type})` : ''} at {when(order.lastError.at)}: <span>{order.lastError.message}</span>
        </div>
      )}
      <OrderActions order={order} me={me} action={action} onChanged={refresh} />
      {releasing && <ReleaseDialog order={order} hold={releasing} onClose={() => setReleasing(undefined)} onChanged={refresh} />}
      <div className="grid">
        <section className="card">
          <h2>Details</h2>
          <Details order={order} />
        </section>
        <section className="card">
          <h2>Timeline</h2>
          <ol className="timeline">
            {order.history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <time dateTime={h.at}>{when(h.at)}</time> <StatusBadge status={h.status} />
                {h.note ? <span className="note"> {h.note}</span> : null}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section className="card">
        <h2>Holds</h2>
        <Holds order={order} canRelease={may(me.role, 'release')} onRelease={setReleasing} />
      </section>
      <section className="card">
        <h2>Fulfillments</h2>
        <Fulfillments order={order} />
      </section>
      {order.returns !== undefined && <OrderReturns order={order} me={me} onChanged={refresh} />}
    </main>
  );
}
