import { cancelUpdate, retryUpdate } from '../workflows/order/messages';
import { OrderSuite, orderInput, orderSuiteHooks } from './support/order-fixtures';
import { forOrder, startPeers, warehouseUrl, type Peers } from './support/http-peers';

/**
 * A warehouse that never answers 2xx: the request step retries under one webhook-id until the
 * step's deadline (the pick deadline, 6 s here; docs/design.md §10), then the order waits in
 * needs_attention with its stock held: the request failed, so it is not timed_out (no pick task
 * was ever open to time out).
 */
describe('a warehouse down for good', () => {
  let peers: Peers;
  const env = orderSuiteHooks(async (bundle) => {
    peers = await startPeers();
    return OrderSuite.start({ name: 'http-down', bundle, integration: { secret: peers.secret } });
  });
  afterAll(async () => {
    await peers?.close();
  });

  it('parks the order in needs_attention with the error; retry once it is back requests under the same id; cancel then tells it', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    peers.warehouse.respond = () => ({ status: 503, json: { error: 'maintenance' } });
    const input = orderInput({ lines: [{ sku: a, quantity: 2 }], timeouts: { pickMs: 6_000 } });
    const handle = await env.suite.startOrder(input);
    const mine = forOrder(input.orderId);

    const parked = await env.suite.waitForStatus(handle, 'needs_attention', 60_000);
    expect(parked.failedStep).toBe('pick');
    expect(parked.lastError?.message).toContain('HTTP 503');
    const tries = peers.warehouse.received('fulfillment.requested', mine);
    // Backoff 1 s doubling: tries at about 0, 1, 3 s; the next (7 s) would fall past the deadline.
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(tries.length).toBeLessThanOrEqual(4);
    expect(new Set(tries.map((t) => t.id)).size).toBe(1);
    // What was done is kept: the units stay held.
    expect(await env.suite.heldUnits(input.orderId)).toBe(2);

    peers.warehouse.respond = () => ({ status: 200, json: { taskId: 'WMS-BACK' } });
    await handle.executeUpdate(retryUpdate, { args: [] });
    const picking = await env.suite.waitForStatus(handle, 'picking');
    expect(picking.fulfillments[0].pickTaskId).toBe('WMS-BACK');
    expect(new Set(peers.warehouse.received('fulfillment.requested', mine).map((t) => t.id))).toEqual(new Set([tries[0].id]));

    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
    expect(peers.warehouse.received('fulfillment.cancelled', mine)).toHaveLength(1);
    expect(await env.suite.available(a)).toEqual({ [w1]: 5 });
  }, 120_000);
});

describe('an HTTP warehouse without INTEGRATION_SECRET', () => {
  let peers: Peers;
  const env = orderSuiteHooks(async (bundle) => {
    peers = await startPeers();
    return OrderSuite.start({ name: 'http-nosecret', bundle });
  });
  afterAll(async () => {
    await peers?.close();
  });

  it('fails the request non-retryably and says why; nothing unsigned is sent', async () => {
    const { warehouses: [w1], skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    // Straight into the catalog: the API would refuse it without a secret.
    await env.suite.setFulfillmentUrl(w1, warehouseUrl(peers, w1));
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }] });
    const handle = await env.suite.startOrder(input);
    const parked = await env.suite.waitForStatus(handle, 'needs_attention', 15_000);
    expect(parked.lastError?.message).toContain('INTEGRATION_SECRET is not set');
    expect(peers.warehouse.messages).toEqual([]);
    await env.suite.setFulfillmentUrl(w1, null);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'test done' }] });
    expect(await env.suite.available(a)).toEqual({ [w1]: 5 });
  });
});
