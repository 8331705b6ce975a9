/**
 * What people see: the status (derived from the state by domain/order-rules.ts), the timeline, the search
 * attributes ops filter on and the current details in the Temporal UI. Each upsert is a
 * history event, so only what changed is sent.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { ChannelKey, CustomerIdKey, HoldReasonsKey, OrderStatusKey, SkusKey, WarehouseIdsKey } from '../search-attributes';
import { boundedKeywords } from '../keyword-list';
import { md } from '../../domain/markdown';
import { recordTransition } from './metrics';
import type { OrderStatus } from '../../domain/types';
import { deriveStatus, isTerminal } from '../../domain/order-rules';
import { activeHolds, nowIso, type OrderState } from './state';

const uniqueSorted = (values: string[]) => [...new Set(values)].sort();

/**
 * Statuses an order passes through on its way (docs/design.md §5): not published, since each
 * upsert is a history event, a visibility write and a billable action. The next status, where
 * the order rests, is published with everything that changed meanwhile.
 */
const PASSING: ReadonlySet<string> = new Set(['received', 'reserved']);

/**
 * Recomputes the status; a change (or a note) goes on the timeline (at `at` when the activity
 * that brought the change told when it happened, else now). Every call bumps the record's
 * version, details that are not transitions (a label bought) included: the order may rest right
 * after, and its record must show all the workflow knows (docs/design.md §9, record.ts).
 */
export function refresh(s: OrderState, note?: string, final?: OrderStatus, at?: string): void {
  const v = s.view;
  const status = deriveStatus({
    final: final ?? (isTerminal(v.status) ? v.status : undefined),
    phase: s.reserveDone ? 'reserved' : 'received',
    backordered: v.backordered.length > 0,
    activeHolds: activeHolds(s).length,
    attention: s.orderFailure !== undefined || s.runs.some((r) => r.failure !== undefined),
    fulfillments: v.fulfillments.map((f) => f.status),
  });
  const changed = status !== v.status;
  if (changed) {
    recordTransition(v.status, status, (Date.now() - s.statusEnteredAt) / 1000, s.input.channel);
    s.statusEnteredAt = Date.now();
    v.status = status;
  }
  if (changed || note) v.history.push({ at: at ?? nowIso(), status, ...(note ? { note } : {}) });
  s.record.version++;
  const first = v.fulfillments[0];
  v.pickTaskId = first?.pickTaskId;
  v.shipment = first?.shipment;
  publish(s);
}

export function enterStep(s: OrderState, step: string): void {
  s.currentStep = step;
  setCurrentDetails(details(s));
}

/** The starter (orderStartOptions) set these already: upserting them again would add an event. */
export function adoptStartAttributes(s: OrderState): void {
  const attrs = workflowInfo().typedSearchAttributes;
  const skus = attrs.get(SkusKey);
  const want = boundedKeywords(s.input.lines.map((l) => l.sku));
  const same =
    attrs.get(OrderStatusKey) === s.view.status &&
    attrs.get(CustomerIdKey) === s.input.customer.id &&
    attrs.get(ChannelKey) === s.input.channel &&
    Array.isArray(skus) &&
    JSON.stringify(uniqueSorted(skus)) === JSON.stringify(want);
  if (same) s.published = { ...s.published, status: s.view.status };
}

function publish(s: OrderState): void {
  const v = s.view;
  for (const a of v.allocations) s.warehousesSeen.add(a.warehouseId);
  const warehouses = boundedKeywords([...s.warehousesSeen]);
  const warehousesJson = JSON.stringify(warehouses);
  const holds = uniqueSorted(activeHolds(s).map((h) => h.reason));
  const holdsJson = JSON.stringify(holds);
  const first = s.published.status === '';
  if (s.publishAtRest && !first && PASSING.has(v.status)) {
    setCurrentDetails(details(s));
    return;
  }
  const pairs: SearchAttributeUpdatePair[] = [];
  if (v.status !== s.published.status) pairs.push({ key: OrderStatusKey, value: v.status });
  if (first) {
    pairs.push({ key: CustomerIdKey, value: s.input.customer.id }, { key: ChannelKey, value: s.input.channel });
    pairs.push({ key: SkusKey, value: boundedKeywords(s.input.lines.map((l) => l.sku)) });
  }
  // An empty list would unset the attribute: leave WarehouseIds out until a warehouse holds units.
  if (warehouses.length > 0 && warehousesJson !== s.published.warehouses) pairs.push({ key: WarehouseIdsKey, value: warehouses });
  if (holdsJson !== s.published.holds) pairs.push({ key: HoldReasonsKey, value: holds.length > 0 ? holds : null });
  if (pairs.length > 0) {
    upsertSearchAttributes(pairs);
    s.published = { status: v.status, warehouses: warehousesJson, holds: holdsJson };
  }
  setCurrentDetails(details(s));
}

/** Markdown for the UI: every value that came from outside (ids, names, notes, peers' answers, errors) through md() (docs/design.md §20). */
function details(s: OrderState): string {
  const v = s.view;
  const rows = [`**Status:** ${v.status} · **Step:** ${md(s.currentStep)}`];
  for (const f of v.fulfillments) {
    const lines = f.lines.map((l) => `${md(l.sku)} ×${l.quantity}`).join(', ');
    const parcel = f.shipment ? ` · ${md(f.shipment.carrier)} ${md(f.shipment.trackingNumber)}` : '';
    rows.push(`**Fulfillment ${md(f.fulfillmentId)}** (${md(f.warehouseId)}, ${f.status}${f.pickTaskId ? `, task ${md(f.pickTaskId)}` : ''}): ${lines}${parcel}`);
  }
  if (v.fulfillments.length === 0) {
    rows.push(`**Allocations:** ${v.allocations.length ? v.allocations.map((a) => `${md(a.warehouseId)}: ${md(a.sku)} ×${a.quantity}`).join(', ') : '—'}`);
  }
  const used = v.sourcing?.decisions.filter((d) => d.lines.length > 0) ?? [];
  if (v.sourcing && used.length) rows.push(`**Sourcing (${md(v.sourcing.strategy)}):** ${used.map((d) => `${md(d.warehouseId)}: ${md(d.reason)}`).join('; ')}`);
  if (v.shipBy) rows.push(`**Ship by:** ${md(v.shipBy)}${v.late ? ' · **LATE**' : ''}`);
  if (v.backordered.length) rows.push(`**Backordered:** ${v.backordered.map((l) => `${md(l.sku)} ×${l.quantity}`).join(', ')}`);
  const holds = activeHolds(s);
  if (holds.length) rows.push(`**Holds:** ${holds.map((h) => `${md(h.reason)}${h.until ? ` until ${md(h.until)}` : ''}${h.note ? ` (${md(h.note)})` : ''}`).join(', ')}`);
  if (v.lastError) rows.push(`**Last error:** \\[${md(v.lastError.step)}\\] ${md(v.lastError.type ?? 'Error')}: ${md(v.lastError.message)}`);
  if (v.failedStep) rows.push(`**Retry re-runs:** ${md(v.failedStep)}${v.failedFulfillmentId ? ` of ${md(v.failedFulfillmentId)}` : ''}`);
  if (v.cancelReason) rows.push(`**Cancel reason:** ${md(v.cancelReason)}`);
  return rows.join('\n\n');
}
