import request from 'supertest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { eventually } from './support/temporal';

/** Orders as records (docs/design.md §9): read from Postgres, for ever, and an order id taken for ever. */
describe('API: order records', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated', SIMULATED_DELAY: '20ms' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const untilStatus = (orderId: string, status: string) =>
    eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.status === status ? r.body : undefined;
    }, 30_000, 100);

  it('a delivered order whose workflow was deleted still answers, is still listed, and is never run again', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    const customerId = uid('cust');
    const body = orderBody([{ sku, quantity: 2 }], { orderId, customer: { id: customerId } });
    await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
    const delivered = await untilStatus(orderId, 'delivered');
    const workflowId = `order-${orderId}`;
    const runId = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    expect(delivered.links.temporalUi).toContain(runId);

    // What `temporal workflow delete` does. The dev server deletes asynchronously (seconds to
    // minutes): the reads below never ask Temporal, and the runs are counted, whichever it is.
    await h.client.workflowService.deleteWorkflowExecution({ namespace: h.client.options.namespace, workflowExecution: { workflowId, runId } });
    const runsOf = async () => {
      try {
        const d = await h.client.workflow.getHandle(workflowId).describe();
        return [d.runId];
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return [];
        throw err;
      }
    };

    const after = (await request(h.app).get(`/orders/${orderId}`).set(as('ops')).expect(200)).body;
    expect(after).toMatchObject({ orderId, status: 'delivered', lines: [{ sku, quantity: 2 }], shipment: { trackingNumber: expect.any(String) } });
    expect(after.history.map((e: { status: string }) => e.status)).toEqual(['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered']);
    const listed = (await request(h.app).get(`/orders?customerId=${customerId}`).set(as('ops')).expect(200)).body;
    expect(listed.orders.map((o: { orderId: string; status: string }) => [o.orderId, o.status])).toEqual([[orderId, 'delivered']]);

    const levels = (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body;
    // The same request again: the record answers; no second run starts.
    const again = await request(h.app).post('/orders').set(as('system')).send(body).expect(200);
    expect(again.body).toMatchObject({ orderId, status: 'delivered' });
    const onlyTheFirst = (runs: string[]) => runs.length === 0 || (runs.length === 1 && runs[0] === runId);
    expect(onlyTheFirst(await runsOf())).toBe(true);
    // Another body under the same id: 409, and still nothing started.
    const other = await request(h.app).post('/orders').set(as('system')).send({ ...body, lines: [{ sku, quantity: 1 }] });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('order_conflict');
    expect(onlyTheFirst(await runsOf())).toBe(true);
    expect((await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body).toEqual(levels);
    expect(levels.levels).toEqual([{ warehouseId, onHand: 3, reserved: 0, available: 3 }]);
  });

  it('the record, not Temporal, decides: an order Temporal has no trace of is never started again', async () => {
    const { sku } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    const body = orderBody([{ sku, quantity: 1 }], { orderId });
    await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
    await untilStatus(orderId, 'delivered');
    // As if retention had removed the workflow long ago: the record points at a run Temporal never had.
    await h.knex('order_records').where({ order_id: orderId }).update({ run_id: 'run-dropped-by-retention', workflow_id: `order-${orderId}-gone` });
    const gone = `order-${orderId}`;
    await h.client.workflow.getHandle(gone).terminate('test').catch(() => undefined);
    await h.client.workflowService.deleteWorkflowExecution({ namespace: h.client.options.namespace, workflowExecution: { workflowId: gone } });
    const again = await request(h.app).post('/orders').set(as('system')).send(body).expect(200);
    expect(again.body).toMatchObject({ orderId, status: 'delivered' });
    // Only the first run ever existed (or none, once the delete landed).
    const runs = await h.client.workflow.list({ query: `WorkflowId = '${gone}'` });
    const seen: string[] = [];
    for await (const w of runs) seen.push(w.runId);
    expect(seen.length).toBeLessThanOrEqual(1);
  });

  it('pages newest first with a signed cursor: 5 orders, limit 2 → 5 distinct; a forged cursor is 400 at once', async () => {
    const { sku } = await seedStock(h.app, 50);
    const customerId = uid('cust');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const orderId = uid('ord');
      ids.push(orderId);
      await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId, customer: { id: customerId } })).expect(202);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await request(h.app).get(`/orders?customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(as('ops')).expect(200)).body;
      seen.push(...page.orders.map((o: { orderId: string }) => o.orderId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const forged = await request(h.app).get(`/orders?customerId=${customerId}&limit=2&cursor=${Buffer.from('{"t":0,"id":"x"}').toString('base64url')}`).set(as('ops'));
    expect(forged.status).toBe(400);
    expect(forged.body.error).toBe('invalid_cursor');
  });
});
