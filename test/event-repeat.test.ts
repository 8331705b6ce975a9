/** api/event-repeat.ts: which events the API answers from the order's record without an Update. Pure. */
import { eventTarget, isRepeatOnRecord, stageOnRecord } from '../api/event-repeat';
import { initialView } from '../domain/initial-view';
import type { FulfillmentStatus, OrderEvent, OrderStatus, OrderView } from '../domain/types';

const base = initialView(
  {
    orderId: 'o-1',
    channel: 'web',
    customer: { id: 'c-1' },
    shippingAddress: { name: 'A', line1: 'l', city: 'c', postalCode: '1', country: 'DE' },
    shippingMethod: 'standard',
    lines: [{ sku: 'S', quantity: 1 }],
    timeouts: { backorderMs: 1, pickMs: 1, packMs: 1, deliveryMs: 1, attentionMs: 1 },
  },
  '2030-01-01T00:00:00.000Z',
);

function view(status: OrderStatus, fulfillments: Array<[string, FulfillmentStatus]>, extra: Partial<OrderView> = {}): OrderView {
  return {
    ...base,
    status,
    fulfillments: fulfillments.map(([fulfillmentId, s]) => ({ fulfillmentId, warehouseId: `wh-${fulfillmentId}`, lines: [], status: s })),
    ...extra,
  };
}

const picked: OrderEvent = { type: 'picked' };

describe('eventTarget', () => {
  it('is the named fulfillment, or the only live one', () => {
    const v = view('packing', [['f1', 'cancelled'], ['f2', 'packing']]);
    expect(eventTarget(v, {})?.fulfillmentId).toBe('f2');
    expect(eventTarget(v, { fulfillmentId: 'f1' })?.fulfillmentId).toBe('f1');
    expect(eventTarget(v, { fulfillmentId: 'nope' })).toBeUndefined();
  });
  it('is none while several are live and none is named', () => {
    expect(eventTarget(view('packing', [['f1', 'packing'], ['f2', 'packing']]), {})).toBeUndefined();
  });
});

describe('stageOnRecord', () => {
  it('is the fulfillment status', () => {
    const v = view('packing', [['f1', 'packing']]);
    expect(stageOnRecord(v, v.fulfillments[0])).toBe('packing');
  });
  it('is pick_failed / delivery_overdue for the fulfillment the order waits on in needs_attention', () => {
    const pick = view('needs_attention', [['f1', 'picking'], ['f2', 'picking']], { failedStep: 'pick', failedFulfillmentId: 'f1' });
    expect(stageOnRecord(pick, pick.fulfillments[0])).toBe('pick_failed');
    expect(stageOnRecord(pick, pick.fulfillments[1])).toBe('picking');
    const deliver = view('needs_attention', [['f1', 'shipped']], { failedStep: 'deliver', failedFulfillmentId: 'f1' });
    expect(stageOnRecord(deliver, deliver.fulfillments[0])).toBe('delivery_overdue');
  });
  it('is the plain status once the order left needs_attention (the failure fields are stale then)', () => {
    const v = view('picking', [['f1', 'picking']], { failedStep: 'pick', failedFulfillmentId: 'f1' });
    expect(stageOnRecord(v, v.fulfillments[0])).toBe('picking');
  });
});

describe('isRepeatOnRecord', () => {
  it('answers a picked that already happened', () => {
    expect(isRepeatOnRecord(view('packing', [['f1', 'packing']]), picked)).toBe(true);
    expect(isRepeatOnRecord(view('shipped', [['f1', 'shipped']]), { type: 'shipped', carrier: 'c', trackingNumber: 't' })).toBe(true);
  });
  it('leaves the first event, refusals, ambiguity and closed orders to the workflow', () => {
    expect(isRepeatOnRecord(view('picking', [['f1', 'picking']]), picked)).toBe(false);
    expect(isRepeatOnRecord(view('packing', [['f1', 'packing']]), { type: 'delivered' })).toBe(false);
    expect(isRepeatOnRecord(view('packing', [['f1', 'packing'], ['f2', 'packing']]), picked)).toBe(false);
    expect(isRepeatOnRecord(view('packing', [['f1', 'packing']]), { type: 'picked', fulfillmentId: 'f9' })).toBe(false);
    expect(isRepeatOnRecord(view('delivered', [['f1', 'delivered']]), { type: 'delivered' })).toBe(false);
    expect(isRepeatOnRecord(view('reserved', []), picked)).toBe(false);
  });
  it('answers a repeated pick_failed while the order waits on it, not another fulfillment', () => {
    const v = view('needs_attention', [['f1', 'picking'], ['f2', 'picking']], { failedStep: 'pick', failedFulfillmentId: 'f1' });
    expect(isRepeatOnRecord(v, { type: 'pick_failed', reason: 'x', fulfillmentId: 'f1' })).toBe(true);
    expect(isRepeatOnRecord(v, { type: 'pick_failed', reason: 'x', fulfillmentId: 'f2' })).toBe(false);
  });
});
