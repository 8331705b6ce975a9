/**
 * The order's returns (docs/design.md §13) and, for the roles that report arriving parcels, the receipt
 * of an authorized one. Authorizing a return is an order action (OrderActions).
 */
import { useState } from 'react';
import { api, enc } from '../api';
import { ActionDialog } from '../components/ActionDialog';
import { when } from '../components/OrderTable';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import type { Identity } from '../session';
import type { OrderReturn, OrderView, Warehouse } from '../types';
import { ReceiveFields, receiveBody, shippedFrom } from './return-forms';

const units = (lines: Array<{ sku: string; quantity: number }>) => lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ');

function outcome(r: OrderReturn): string {
  if (r.status === 'expired') return `expired ${when(r.expiredAt)}`;
  if (r.status !== 'received') return '—';
  const inspected = (r.inspected ?? []).map((l) => `${l.sku} × ${l.quantity} ${l.disposition}`).join(', ');
  return `${when(r.receivedAt)} at ${r.warehouseId ?? '?'}${inspected ? `: ${inspected}` : ''}`;
}

function ReceiveDialog({ order, ret, onClose, onChanged }: { order: OrderView; ret: OrderReturn; onClose(): void; onChanged(): void }) {
  const warehouses = useApiData(async () => (await api<{ warehouses: Warehouse[] }>('GET', '/warehouses')).warehouses, []);
  return (
    <ActionDialog
      title={`Mark return ${ret.returnId} received?`}
      explain="Say how each line arrived: restock puts the units back on hand at the receiving warehouse, damaged records them without stock. What is left out did not arrive and is not returned."
      confirmLabel="Mark received"
      onConfirm={async (form) => {
        await api('POST', `/returns/${enc(ret.returnId)}/receive`, receiveBody(form));
        onChanged();
      }}
      onClose={onClose}
    >
      <ReceiveFields ret={ret} warehouses={warehouses.data} warehousesError={warehouses.error} defaultWarehouse={shippedFrom(order, ret)} />
    </ActionDialog>
  );
}

export function OrderReturns({ order, me, onChanged }: { order: OrderView; me: Identity; onChanged(): void }) {
  const [receiving, setReceiving] = useState<OrderReturn>();
  const returns = order.returns ?? [];
  const canReceive = may(me.role, 'receive');
  return (
    <section className="card">
      <h2>Returns</h2>
      {returns.length === 0 ? (
        <p className="empty">No returns.</p>
      ) : (
        <table>
          <caption>Returns</caption>
          <thead>
            <tr>
              <th scope="col">Return</th>
              <th scope="col">Lines</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
              <th scope="col">Authorized</th>
              <th scope="col">Received</th>
              <th scope="col"><span className="sr-only">Action</span></th>
            </tr>
          </thead>
          <tbody>
            {returns.map((r) => (
              <tr key={r.returnId} data-testid="return">
                <td>{r.returnId}</td>
                <td>{units(r.lines)}</td>
                <td>{r.reason}</td>
                <td><StatusBadge status={r.status} /></td>
                <td>{when(r.createdAt)}</td>
                <td>{outcome(r)}</td>
                <td>
                  {r.status === 'authorized' && canReceive && (
                    <button type="button" onClick={() => setReceiving(r)}>
                      Mark received
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receiving && <ReceiveDialog order={order} ret={receiving} onClose={() => setReceiving(undefined)} onChanged={onChanged} />}
    </section>
  );
}
