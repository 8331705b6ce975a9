import { WorkflowUpdateStage } from '@temporalio/client';
import { cancelUpdate, eventUpdate, holdUpdate, releaseHoldUpdate, statusQuery } from '../workflows/order/messages';
import type { OrderView } from '../domain/types';
import { eventually, OrderSuite, orderInput, orderSuiteHooks, type OrderHandle } from './support/order-fixtures';

import { event, forOrder, startPeers, warehouseUrl, type Peers } from './support/http-peers';

/**
 * Warehouses and the carrier over HTTP (docs/design.md §10), against real loopback services that verify
 * every signature. The worker's own adapters: routing (HTTP for warehouses with a URL, simulated
 * for the others) and the HTTP carrier (CARRIER_URL).
 */
/** The fulfillment's shipment once its label is bought (the status says shipping just before). */
const shipmentOf = (handle: OrderHandle, fulfillmentId: string) =>
  eventually(async () => (await handle.query(statusQuery)).fulfillments.find((f) => f.fulfillmentId === fulfillmentId)?.shipment, 10_000, 100);

describe('warehouse and carrier over HTTP', () => {
  let peers: Peers;
  const env = orderSuiteHooks(async (bundle) => {
    peers = await startPeers();
    return OrderSuite.start({ name: 'http-peers', bundle, warehouseMode: 'simulated', simulatedDelayMs: 50, integration: { secret: peers.secret, carrierUrl: `${peers.carrier.url}/labels` } });
  });
  afterAll(async () => {
    await peers?.close();
  });
  afterEach(() => {
    // Every message any test sent was signed as the spec says.
    expect([...peers.warehouse.messages, ...peers.carrier.messages].filter((m) => !m.verified)).toEqual([]);
    peers.warehouse.respond = () => ({ status: 200, json: {} });
  });

  it('requests the fulfillment once (same webhook-id over two 500s), mixes with a simulated warehouse, buys labels, and follows the events to delivered', async () => {
    const { warehouses: [w1, w2], skus: [a, b] } = await env.suite.seed({ warehouses: 2, skus: 2, stock: [[5, 0], [0, 4]] });
    env.owned.push(a, b);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    let failures = 2;
    peers.warehouse.respond = (m) => (m.type === 'fulfillment.requested' && failures-- > 0 ? { status: 500 } : { status: 202, json: { taskId: `WMS-${String(m.body.fulfillmentId)}` } });
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], shippingMethod: 'express' });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);

    // w2 has no URL: simulated, it picks and packs by itself and waits at the carrier.
    const picking = await env.suite.waitForStatus(handle, 'picking');
    const f1 = picking.fulfillments.find((f) => f.warehouseId === w1)!;
    const f2 = picking.fulfillments.find((f) => f.warehouseId === w2)!;
    await env.suite.waitForStatus(handle, 'picking');
    const requests = peers.warehouse.received('fulfillment.requested', mine);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.id)).size).toBe(1);
    expect(requests[0].id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(requests[0].path).toBe(`/wms/${w1}`);
    expect(requests[0].body).toEqual({
      type: 'fulfillment.requested',
      orderId: input.orderId,
      fulfillmentId: f1.fulfillmentId,
      warehouseId: w1,
      lines: [{ sku: a, quantity: 2 }],
      shipTo: input.shippingAddress,
      shippingMethod: 'express',
      requestedAt: expect.any(String),
    });
    // One message: every retry says the same, requestedAt included.
    expect(new Set(requests.map((r) => r.body.requestedAt)).size).toBe(1);
    expect((await env.suite.waitForStatus(handle, 'picking')).fulfillments.find((f) => f.warehouseId === w1)?.pickTaskId).toBe(`WMS-${f1.fulfillmentId}`);
    // Nothing was sent for the simulated warehouse.
    expect(peers.warehouse.received(undefined, (m) => m.body.warehouseId === w2)).toEqual([]);

    await event(handle, f1.fulfillmentId, { type: 'picked' });
    await event(handle, f1.fulfillmentId, { type: 'packed' });
    const l1 = await peers.carrier.next('label.requested', (m) => m.body.fulfillmentId === f1.fulfillmentId);
    expect(l1.body).toEqual({
      type: 'label.requested',
      orderId: input.orderId,
      fulfillmentId: f1.fulfillmentId,
      shipFrom: w1,
      shipTo: input.shippingAddress,
      shippingMethod: 'express',
      lines: [{ sku: a, quantity: 2 }],
    });
    await peers.carrier.next('label.requested', (m) => m.body.fulfillmentId === f2.fulfillmentId);
    expect(await shipmentOf(handle, f1.fulfillmentId)).toMatchObject({ carrier: 'TestPost', trackingNumber: `TRK-${f1.fulfillmentId}`, labelId: `LBL-${f1.fulfillmentId}` });

    for (const f of [f1, f2]) {
      await env.suite.waitForStatus(handle, ['shipping', 'shipped']);
      await event(handle, f.fulfillmentId, { type: 'shipped', carrier: 'TestPost', trackingNumber: `TRK-${f.fulfillmentId}` });
    }
    for (const f of [f1, f2]) await event(handle, f.fulfillmentId, { type: 'delivered' });
    const view = await handle.result();
    expect(view.status).toBe('delivered');
    expect(view.fulfillments.map((f) => f.shipment?.trackingNumber).sort()).toEqual([`TRK-${f1.fulfillmentId}`, `TRK-${f2.fulfillmentId}`].sort());
    expect(peers.carrier.received('label.voided', mine)).toEqual([]);
    expect(peers.warehouse.received('fulfillment.cancelled', mine)).toEqual([]);
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 } });
  });

  it('a rejection requests the fulfillment at the next warehouse by priority and releases the first; none left → awaiting_stock', async () => {
    const { warehouses: [w1, w2, w3], skus: [a] } = await env.suite.seed({ warehouses: 3, skus: 1, stock: [[3], [3], [0]] });
    env.owned.push(a);
    for (const w of [w1, w2, w3]) await env.suite.setFulfillmentUrl(w, warehouseUrl(peers, w));
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);
    const first = await peers.warehouse.next('fulfillment.requested', mine);
    expect(first.body.warehouseId).toBe(w1);
    await env.suite.waitForStatus(handle, 'picking');
    await event(handle, String(first.body.fulfillmentId), { type: 'rejected', reason: 'no capacity' });

    const second = await peers.warehouse.next('fulfillment.requested', (m) => mine(m) && m.body.warehouseId === w2);
    expect(second.body.fulfillmentId).not.toBe(first.body.fulfillmentId);
    expect(second.id).not.toBe(first.id);
    expect(second.body.lines).toEqual([{ sku: a, quantity: 2 }]);
    await env.suite.waitForStatus(handle, 'picking');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 3, reserved: 2 } });

    await event(handle, String(second.body.fulfillmentId), { type: 'rejected', reason: 'closed today' });
    await env.suite.waitForStatus(handle, 'awaiting_stock');
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 3, reserved: 0 }, [w2]: { onHand: 3, reserved: 0 } });
    // Never asked again at w1, nothing at w3 (no stock); a refusing warehouse gets no cancel.
    expect(peers.warehouse.received('fulfillment.requested', mine).map((m) => m.body.warehouseId)).toEqual([w1, w2]);
    expect(peers.warehouse.received('fulfillment.cancelled', mine)).toEqual([]);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
  });

  it('a hold in picking cancels at the warehouse; its release requests again under a new webhook-id; a cancel sends fulfillment.cancelled', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[4]] });
    env.owned.push(a);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);
    const first = await peers.warehouse.next('fulfillment.requested', mine);
    await env.suite.waitForStatus(handle, 'picking');

    await handle.executeUpdate(holdUpdate, { args: [{ holdId: 'h1', reason: 'fraud_check' }] });
    const cancelled = await peers.warehouse.next('fulfillment.cancelled', mine);
    expect(cancelled.body).toEqual({ type: 'fulfillment.cancelled', orderId: input.orderId, fulfillmentId: first.body.fulfillmentId, warehouseId: w1, reason: 'on hold: fraud_check' });
    await env.suite.waitForStatus(handle, 'on_hold');

    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'h1' }] });
    const again = await peers.warehouse.next('fulfillment.requested', (m) => mine(m) && m.id !== first.id);
    expect(again.body).toMatchObject({ fulfillmentId: first.body.fulfillmentId, warehouseId: w1, lines: [{ sku: a, quantity: 1 }] });
    await env.suite.waitForStatus(handle, 'picking');

    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'customer changed their mind' }] });
    expect(view.status).toBe('cancelled');
    const cancels = peers.warehouse.received('fulfillment.cancelled', mine);
    expect(cancels).toHaveLength(2);
    expect(cancels[1].id).not.toBe(cancels[0].id);
    expect(cancels[1].body.reason).toBe('cancelled: customer changed their mind');
    expect(await env.suite.available(a)).toEqual({ [w1]: 4 });
  });

  it('a kit line goes to the warehouse and the carrier with its components (docs/design.md §18)', async () => {
    const { warehouses: [w1], skus: [a, b] } = await env.suite.seed({ warehouses: 1, skus: 2, stock: [[4, 2]] });
    env.owned.push(a, b);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    const kit = `${a}-KIT`;
    expect(await env.suite.ledger.putKit({ sku: kit, name: 'Set', components: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }] })).toEqual({ created: true });
    const input = orderInput({ lines: [{ sku: kit, quantity: 2 }] });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);
    const request = await peers.warehouse.next('fulfillment.requested', mine);
    const components = [{ sku: a, quantity: 4 }, { sku: b, quantity: 2 }].sort((x, y) => (x.sku < y.sku ? -1 : 1));
    expect(request.body).toMatchObject({ lines: components, kits: [{ sku: kit, quantity: 2, components: expect.arrayContaining(components) }] });
    await env.suite.waitForStatus(handle, 'picking');
    const f1 = request.body.fulfillmentId as string;
    await event(handle, f1, { type: 'picked' });
    await event(handle, f1, { type: 'packed' });
    const label = await peers.carrier.next('label.requested', mine);
    expect(label.body).toMatchObject({ lines: components, kits: [{ sku: kit, quantity: 2, components: expect.arrayContaining(components) }] });
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test over' }] });
    expect(await env.suite.available(a)).toEqual({ [w1]: 4 });
  });

  it('a cancel after the label is bought (before shipped) voids it at the carrier and cancels at the warehouse', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[4]] });
    env.owned.push(a);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    const input = orderInput({ lines: [{ sku: a, quantity: 3 }] });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);
    const req = await peers.warehouse.next('fulfillment.requested', mine);
    const fid = String(req.body.fulfillmentId);
    await env.suite.waitForStatus(handle, 'picking');
    await event(handle, fid, { type: 'picked' });
    await event(handle, fid, { type: 'packed' });
    await peers.carrier.next('label.requested', mine);
    expect((await shipmentOf(handle, fid)).trackingNumber).toBe(`TRK-${fid}`);

    const view = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'fraud' }] });
    expect(view.status).toBe('cancelled');
    const voided = peers.carrier.received('label.voided', mine);
    expect(voided.map((m) => m.body)).toEqual([{ type: 'label.voided', orderId: input.orderId, fulfillmentId: fid, labelId: `LBL-${fid}` }]);
    expect(peers.warehouse.received('fulfillment.cancelled', mine)).toHaveLength(1);
    // Committed units came back on hand.
    expect(await env.suite.levels(a)).toEqual({ [w1]: { onHand: 4, reserved: 0 } });
  });

  it('a picked the warehouse sends before it answers the pick request waits for the answer, then moves the order on (docs/design.md §10)', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[3]] });
    env.owned.push(a);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }] });
    let started!: (h: OrderHandle) => void;
    const handleOf = new Promise<OrderHandle>((resolve) => (started = resolve));
    let early: Promise<OrderView> | undefined;
    let refused: unknown;
    peers.warehouse.respond = async (m) => {
      if (m.type !== 'fulfillment.requested' || m.body.orderId !== input.orderId || early || refused) return { status: 202, json: { taskId: 'WMS-EARLY' } };
      try {
        // Accepted by the workflow while this request is still unanswered.
        const accepted = await (await handleOf).startUpdate(eventUpdate, {
          args: [{ type: 'picked', fulfillmentId: String(m.body.fulfillmentId) }],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        early = accepted.result();
      } catch (err) {
        refused = err;
      }
      return { status: 202, json: { taskId: 'WMS-EARLY' } };
    };
    const handle = await env.suite.startOrder(input);
    started(handle);
    await eventually(async () => (early || refused ? true : undefined), 30_000, 50);
    expect(refused).toBeUndefined();
    const view = await early!;
    expect(view.status).toBe('packing');
    expect(view.fulfillments[0]).toMatchObject({ status: 'packing', pickTaskId: 'WMS-EARLY' });
    // The request was answered once: the event did not make the worker ask again.
    expect(peers.warehouse.received('fulfillment.requested', forOrder(input.orderId))).toHaveLength(1);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test over' }] });
    expect(await env.suite.available(a)).toEqual({ [w1]: 3 });
  });
});
