/** Edits of lines, address and method: accepted before any pick task is open; the ledger applies the difference. */
import { condition } from '@temporalio/workflow';
import { INVALID_EDIT } from '../../../domain/failure-types';
import { editFits, isTerminal } from '../../../domain/order-rules';
import type { EditRequest } from '../../../domain/types';
import { invalidTransition, refusal } from '../failures';
import { cancelPending, holdStops } from '../fulfillment/stops';
import { amendLines } from '../ledger-steps';
import type { FulfillmentRun, OrderState } from '../state';
import { refresh } from '../visibility';
import { closingOrPending } from './lifecycle';

const taskOpen = (r: FulfillmentRun) => r.taskOpen || r.createPending || (r.running && ['request', 'pick', 'pack'].includes(r.step));
const pickTaskOpen = (s: OrderState) => s.runs.some(taskOpen);
/** A pick task that stays open: one a hold is not already cancelling. */
const pickTaskStaysOpen = (s: OrderState) => s.runs.some((r) => taskOpen(r) && !holdStops(s, r));

export function checkEdit(s: OrderState, req: EditRequest): void {
  if (!req || (req.lines === undefined && req.shippingAddress === undefined && req.shippingMethod === undefined)) {
    throw refusal(INVALID_EDIT, 'an edit needs lines, shippingAddress or shippingMethod');
  }
  if (req.lines !== undefined) {
    if (!Array.isArray(req.lines) || req.lines.length === 0) throw refusal(INVALID_EDIT, 'lines never become empty: cancel the order instead');
    for (const l of req.lines) {
      if (typeof l?.sku !== 'string' || !Number.isInteger(l.quantity) || l.quantity <= 0) throw refusal(INVALID_EDIT, 'every line needs a sku and a positive integer quantity');
    }
  }
  if (!editFits(s.view.status, { pickTaskOpen: pickTaskStaysOpen(s), closing: closingOrPending(s) })) {
    throw invalidTransition('edit', s.view.status, pickTaskStaysOpen(s) ? 'a pick task is open (place a hold first)' : 'edits are accepted before picking');
  }
}

export async function applyEdit(s: OrderState, req: EditRequest) {
  s.editing++;
  try {
    // The reservation's answer decides what an edit changes; a hold just placed is still
    // cancelling the pick tasks at the warehouses.
    await condition(() => ((s.reserveDone || s.orderFailure !== undefined) && !pickTaskOpen(s)) || isTerminal(s.view.status) || s.closing || pickTaskStaysOpen(s));
    if (!s.reserveDone || s.closing || cancelPending(s) || pickTaskOpen(s)) {
      throw invalidTransition('edit', s.view.status, 'the order moved on before the edit took effect');
    }
    const changed: string[] = [];
    if (req.lines) {
      await amendLines(s, req.lines);
      s.view.lines = req.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
      changed.push('lines');
    }
    if (req.shippingAddress) {
      s.view.shippingAddress = req.shippingAddress;
      changed.push('address');
    }
    if (req.shippingMethod) {
      s.view.shippingMethod = req.shippingMethod;
      changed.push('method');
    }
    s.view.edits++;
    refresh(s, `edit ${s.view.edits}: ${changed.join(', ')}`);
    return s.view;
  } finally {
    s.editing--;
  }
}
