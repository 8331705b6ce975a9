/**
 * Ship-by (docs/design.md §17): a durable timer marks the order `late` at its shipBy if it has
 * not shipped by then, whatever its status, with a timeline note the record turns into one
 * `order.ship_by_missed` webhook. A new command for running orders, so behind `patched()`;
 * orders without a shipBy (every recorded history) never reach the patch marker.
 */
import { condition, isCancellation, patched } from '@temporalio/workflow';
import { SHIP_BY_MISSED_NOTE } from '../../domain/ship-by';
import { isTerminal } from '../../domain/order-rules';
import type { OrderState } from './state';
import { refresh } from './visibility';

export const SHIP_BY_PATCH = 'order-ship-by-timer';

const SHIPPED = new Set(['shipped', 'delivered']);

export function watchShipBy(s: OrderState): void {
  const shipBy = s.input.shipBy;
  if (!shipBy || !patched(SHIP_BY_PATCH)) return;
  const done = () => SHIPPED.has(s.view.status) || isTerminal(s.view.status) || s.closing;
  const watch = async () => {
    const left = Date.parse(shipBy) - Date.now();
    const inTime = left > 0 ? await condition(done, left, { summary: 'ship-by' }) : done();
    if (inTime) return;
    s.view.late = true;
    refresh(s, `${SHIP_BY_MISSED_NOTE} (${shipBy})`);
  };
  watch().catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
}
