/**
 * Which message fits which state, and which status an order shows: one pure table, unit-tested
 * without Temporal (test/order-rules.test.ts). Imports nothing but types.
 */
import type { FulfillmentStatus, OrderEventType, OrderStatus } from './types';

/** The statuses an order never leaves: the one list (metrics, records, the reaper and the API ask isTerminal). */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['delivered', 'rejected', 'cancelled', 'timed_out'];
export const isTerminal = (s: OrderStatus): boolean => TERMINAL_STATUSES.includes(s);

/** A fulfillment as events see it: its status, or one of the two waits in needs_attention. */
export type EventStage = FulfillmentStatus | 'pick_failed' | 'delivery_overdue';

/** `early`: the event is for the pick task the warehouse was just asked to open; it waits for the warehouse's answer to be taken. */
export type Fit = 'apply' | 'repeat' | 'early' | 'refuse';

/**
 * Per event: the stages where it moves the fulfillment on, the ones where it already happened,
 * and the ones where it can only be early. A warehouse that answers the pick request and reports
 * at once (or reports before it answers) can beat the workflow's taking of that answer: its
 * `picked` or `pick_failed` meets a fulfillment still `requested` (docs/design.md §10).
 */
const EVENT_TABLE: Record<OrderEventType, { apply: EventStage[]; repeat: EventStage[]; early?: EventStage[] }> = {
  picked: { apply: ['picking'], repeat: ['packing', 'shipping', 'shipped', 'delivered', 'delivery_overdue'], early: ['requested'] },
  pick_failed: { apply: ['picking'], repeat: ['pick_failed'], early: ['requested'] },
  packed: { apply: ['packing'], repeat: ['shipping', 'shipped', 'delivered', 'delivery_overdue'] },
  shipped: { apply: ['shipping'], repeat: ['shipped', 'delivered', 'delivery_overdue'] },
  delivered: { apply: ['shipped', 'delivery_overdue'], repeat: ['delivered'] },
  rejected: { apply: ['requested', 'picking'], repeat: ['rejected'] },
};

export const EVENT_TYPES = Object.keys(EVENT_TABLE) as OrderEventType[];
export const EVENT_STAGES: readonly EventStage[] = [
  'requested',
  'picking',
  'pick_failed',
  'packing',
  'shipping',
  'shipped',
  'delivery_overdue',
  'delivered',
  'cancelled',
  'rejected',
];

/**
 * Whether an event fits. While a cancel is pending or the order is closing every event is
 * refused, repeats too: a 200 must never describe a state the order will not reach.
 */
export function eventFit(type: OrderEventType, stage: EventStage, order: { closing: boolean }): Fit {
  if (order.closing) return 'refuse';
  const row = EVENT_TABLE[type];
  if (row.apply.includes(stage)) return 'apply';
  if (row.repeat.includes(stage)) return 'repeat';
  if (row.early?.includes(stage)) return 'early';
  return 'refuse';
}

/** Cancel: until a parcel has left, never twice into a closing order. */
export function cancelFits(status: OrderStatus, o: { handedOver: boolean; closing: boolean }): boolean {
  return !isTerminal(status) && !o.handedOver && !o.closing;
}

const HOLDABLE: readonly OrderStatus[] = ['received', 'awaiting_stock', 'reserved', 'picking', 'packing', 'on_hold'];
export const holdFits = (status: OrderStatus, o: { closing: boolean }): boolean => HOLDABLE.includes(status) && !o.closing;
/** A release is accepted whenever a cancel could still reach the order (a hold of a closing order is moot). */
export const releaseFits = (status: OrderStatus, o: { closing: boolean }): boolean => !isTerminal(status) && !o.closing;

const EDITABLE: readonly OrderStatus[] = ['received', 'awaiting_stock', 'reserved', 'on_hold'];
/** Edits only while no pick task is open (or being opened) at any warehouse. */
export const editFits = (status: OrderStatus, o: { pickTaskOpen: boolean; closing: boolean }): boolean =>
  EDITABLE.includes(status) && !o.pickTaskOpen && !o.closing;

export const retryFits = (status: OrderStatus, o: { retryPending: boolean; closing: boolean }): boolean =>
  status === 'needs_attention' && !o.retryPending && !o.closing;

/** Fulfillment statuses from least to most advanced; `requested` shows as the order's `reserved`. */
const PROGRESS: readonly FulfillmentStatus[] = ['requested', 'picking', 'packing', 'shipping', 'shipped', 'delivered'];
const AS_ORDER: Partial<Record<FulfillmentStatus, OrderStatus>> = {
  requested: 'reserved',
  picking: 'picking',
  packing: 'packing',
  shipping: 'shipping',
  shipped: 'shipped',
  delivered: 'delivered',
};

export interface StatusFacts {
  /** Set once the order closed (rejected, cancelled, timed_out, delivered). */
  final?: OrderStatus;
  /** Status before fulfillments exist: received until the reservation answered, then reserved. */
  phase: 'received' | 'reserved';
  backordered: boolean;
  activeHolds: number;
  attention: boolean;
  fulfillments: FulfillmentStatus[];
}

/**
 * The order's status: a hold or a failed step says so first; otherwise backordered units,
 * otherwise the least advanced of its live fulfillments (an order with one warehouse walks
 * reserved → picking → packing → shipping → shipped → delivered as before).
 */
export function deriveStatus(f: StatusFacts): OrderStatus {
  if (f.final) return f.final;
  if (f.activeHolds > 0) return 'on_hold';
  if (f.attention) return 'needs_attention';
  if (f.phase === 'received') return 'received';
  if (f.backordered) return 'awaiting_stock';
  const live = f.fulfillments.filter((s) => PROGRESS.includes(s));
  if (live.length === 0) return 'reserved';
  const least = live.reduce((a, b) => (PROGRESS.indexOf(b) < PROGRESS.indexOf(a) ? b : a));
  return AS_ORDER[least]!;
}
