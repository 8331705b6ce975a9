/** The order's pure decision table (domain/order-rules.ts): every status × message pair. */
import {
  cancelFits,
  deriveStatus,
  editFits,
  EVENT_STAGES,
  EVENT_TYPES,
  eventFit,
  holdFits,
  releaseFits,
  retryFits,
  type EventStage,
  type Fit,
} from '../domain/order-rules';
import { ORDER_STATUSES, type OrderEventType, type OrderStatus } from '../domain/types';

const EXPECTED_EVENTS: Record<OrderEventType, Partial<Record<EventStage, Fit>>> = {
  picked: { requested: 'early', picking: 'apply', packing: 'repeat', shipping: 'repeat', shipped: 'repeat', delivery_overdue: 'repeat', delivered: 'repeat' },
  pick_failed: { requested: 'early', picking: 'apply', pick_failed: 'repeat' },
  packed: { packing: 'apply', shipping: 'repeat', shipped: 'repeat', delivery_overdue: 'repeat', delivered: 'repeat' },
  shipped: { shipping: 'apply', shipped: 'repeat', delivery_overdue: 'repeat', delivered: 'repeat' },
  delivered: { shipped: 'apply', delivery_overdue: 'apply', delivered: 'repeat' },
  rejected: { requested: 'apply', picking: 'apply', rejected: 'repeat' },
};

describe('events × fulfillment stages', () => {
  const pairs = EVENT_TYPES.flatMap((type) => EVENT_STAGES.map((stage) => [type, stage] as const));
  it('covers all six events and ten stages', () => expect(pairs).toHaveLength(60));
  it.each(pairs)('%s in %s', (type, stage) => {
    expect(eventFit(type, stage, { closing: false })).toBe(EXPECTED_EVENTS[type][stage] ?? 'refuse');
  });
  it.each(pairs)('%s in %s is refused while the order is closing or a cancel is pending (repeats too)', (type, stage) => {
    expect(eventFit(type, stage, { closing: true })).toBe('refuse');
  });
});

describe('order messages × statuses', () => {
  const terminal: OrderStatus[] = ['delivered', 'rejected', 'cancelled', 'timed_out'];
  it.each(ORDER_STATUSES.map((s) => [s]))('cancel in %s', (status) => {
    expect(cancelFits(status, { handedOver: false, closing: false })).toBe(!terminal.includes(status));
    expect(cancelFits(status, { handedOver: true, closing: false })).toBe(false);
    expect(cancelFits(status, { handedOver: false, closing: true })).toBe(false);
  });
  const holdable: OrderStatus[] = ['received', 'awaiting_stock', 'reserved', 'picking', 'packing', 'on_hold'];
  it.each(ORDER_STATUSES.map((s) => [s]))('hold in %s', (status) => {
    expect(holdFits(status, { closing: false })).toBe(holdable.includes(status));
    expect(holdFits(status, { closing: true })).toBe(false);
  });
  it.each(ORDER_STATUSES.map((s) => [s]))('release in %s', (status) => {
    expect(releaseFits(status, { closing: false })).toBe(!terminal.includes(status));
    expect(releaseFits(status, { closing: true })).toBe(false);
  });
  const editable: OrderStatus[] = ['received', 'awaiting_stock', 'reserved', 'on_hold'];
  it.each(ORDER_STATUSES.map((s) => [s]))('edit in %s', (status) => {
    expect(editFits(status, { pickTaskOpen: false, closing: false })).toBe(editable.includes(status));
    expect(editFits(status, { pickTaskOpen: true, closing: false })).toBe(false);
    expect(editFits(status, { pickTaskOpen: false, closing: true })).toBe(false);
  });
  it.each(ORDER_STATUSES.map((s) => [s]))('retry in %s', (status) => {
    expect(retryFits(status, { retryPending: false, closing: false })).toBe(status === 'needs_attention');
    expect(retryFits(status, { retryPending: true, closing: false })).toBe(false);
  });
});

describe('deriveStatus', () => {
  const base = { phase: 'reserved' as const, backordered: false, activeHolds: 0, attention: false, fulfillments: [] };
  it('walks a single-warehouse order as before', () => {
    expect(deriveStatus({ ...base, phase: 'received' })).toBe('received');
    expect(deriveStatus(base)).toBe('reserved');
    expect(deriveStatus({ ...base, fulfillments: ['requested'] })).toBe('reserved');
    for (const s of ['picking', 'packing', 'shipping', 'shipped', 'delivered'] as const) expect(deriveStatus({ ...base, fulfillments: [s] })).toBe(s);
  });
  it('is the least advanced live fulfillment', () => {
    expect(deriveStatus({ ...base, fulfillments: ['shipped', 'picking'] })).toBe('picking');
    expect(deriveStatus({ ...base, fulfillments: ['delivered', 'shipped'] })).toBe('shipped');
    expect(deriveStatus({ ...base, fulfillments: ['rejected', 'packing'] })).toBe('packing');
    expect(deriveStatus({ ...base, fulfillments: ['cancelled', 'rejected'] })).toBe('reserved');
  });
  it('says on_hold first, then needs_attention, then awaiting_stock', () => {
    expect(deriveStatus({ ...base, activeHolds: 1, attention: true, backordered: true, fulfillments: ['picking'] })).toBe('on_hold');
    expect(deriveStatus({ ...base, attention: true, backordered: true, fulfillments: ['picking'] })).toBe('needs_attention');
    expect(deriveStatus({ ...base, backordered: true, fulfillments: ['shipped'] })).toBe('awaiting_stock');
    expect(deriveStatus({ ...base, phase: 'received', activeHolds: 2 })).toBe('on_hold');
  });
  it('keeps a final status', () => {
    expect(deriveStatus({ ...base, final: 'cancelled', activeHolds: 1 })).toBe('cancelled');
  });
});
