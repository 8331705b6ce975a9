/**
 * Turning the ledger's allocations into fulfillments: one per warehouse holding units. Units a
 * warehouse holds that no live fulfillment covers go to its idle fulfillment (one waiting to be
 * requested) or to a new one; an edit that lowered a quantity shrinks the idle ones. A new
 * fulfillment never opens beside one at the same warehouse that has not committed its stock
 * yet, since the ledger commits a warehouse's held units of the order together.
 */
import type { Allocation, FulfillmentStatus, OrderLine } from '../../../domain/types';
import { fulfillmentView, type FulfillmentRun, type OrderState } from '../state';

const DEAD: readonly FulfillmentStatus[] = ['cancelled', 'rejected'];

function byKey(lines: { warehouseId: string; sku: string; quantity: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(`${l.warehouseId}\u0000${l.sku}`, (m.get(`${l.warehouseId}\u0000${l.sku}`) ?? 0) + l.quantity);
  return m;
}

const isIdle = (s: OrderState, r: FulfillmentRun) => !r.running && r.step === 'request' && fulfillmentView(s, r).status === 'requested';

function setLine(lines: OrderLine[], sku: string, delta: number): OrderLine[] {
  const out = lines.map((l) => ({ ...l }));
  const line = out.find((l) => l.sku === sku);
  if (line) line.quantity += delta;
  else out.push({ sku, quantity: delta });
  return out.filter((l) => l.quantity > 0).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** Brings the fulfillments in line with the allocations; answers the runs ready to start. */
export function syncFulfillments(s: OrderState): FulfillmentRun[] {
  const v = s.view;
  const live = s.runs.filter((r) => !DEAD.includes(fulfillmentView(s, r).status));
  const covered = byKey(live.flatMap((r) => fulfillmentView(s, r).lines.map((l) => ({ ...l, warehouseId: r.warehouseId }))));
  const wanted = byKey(v.allocations);
  const keys = [...new Set([...wanted.keys(), ...covered.keys()])].sort();
  for (const key of keys) {
    const [warehouseId, sku] = key.split('\u0000');
    let delta = (wanted.get(key) ?? 0) - (covered.get(key) ?? 0);
    if (delta === 0) continue;
    const idle = live.filter((r) => r.warehouseId === warehouseId && isIdle(s, r));
    if (delta < 0) {
      for (const r of idle) {
        if (delta === 0) break;
        const f = fulfillmentView(s, r);
        const has = f.lines.find((l) => l.sku === sku)?.quantity ?? 0;
        const take = Math.min(has, -delta);
        f.lines = setLine(f.lines, sku, -take);
        delta += take;
        if (f.lines.length === 0) {
          f.status = 'cancelled';
          f.reason = 'no units left after an edit';
        }
      }
      continue;
    }
    if (idle.length > 0) {
      const f = fulfillmentView(s, idle[0]);
      f.lines = setLine(f.lines, sku, delta);
      continue;
    }
    const uncommitted = live.some((r) => r.warehouseId === warehouseId && !r.committed && fulfillmentView(s, r).status !== 'delivered');
    if (uncommitted) continue;
    const run = openFulfillment(s, warehouseId);
    fulfillmentView(s, run).lines = [{ sku, quantity: delta }];
    live.push(run);
  }
  return s.runs.filter((r) => isIdle(s, r) && fulfillmentView(s, r).lines.length > 0);
}

function openFulfillment(s: OrderState, warehouseId: string): FulfillmentRun {
  const n = ++s.seq.fulfillment;
  const id = `${s.id}-F${n}`;
  s.view.fulfillments.push({ fulfillmentId: id, warehouseId, lines: [], status: 'requested' });
  const run: FulfillmentRun = {
    id,
    warehouseId,
    step: 'request',
    attempt: 0,
    createPending: false,
    taskOpen: false,
    picked: false,
    packed: false,
    labelBought: false,
    committed: false,
    handedOver: false,
    delivered: false,
    running: false,
    undo: [],
  };
  s.runs.push(run);
  return run;
}

/** Every unit the order holds is in a fulfillment, and every fulfillment has ended. */
export function allDelivered(s: OrderState): boolean {
  const live = s.runs.filter((r) => !DEAD.includes(fulfillmentView(s, r).status));
  if (live.length === 0 || s.view.backordered.length > 0) return false;
  if (!live.every((r) => fulfillmentView(s, r).status === 'delivered' && !r.running)) return false;
  const covered = byKey(live.flatMap((r) => fulfillmentView(s, r).lines.map((l) => ({ ...l, warehouseId: r.warehouseId }))));
  const wanted = byKey(s.view.allocations as Allocation[]);
  return [...wanted].every(([k, q]) => (covered.get(k) ?? 0) >= q);
}
