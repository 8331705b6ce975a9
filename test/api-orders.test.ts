import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';
import { orderAcceptedSchema, orderListSchema, orderViewSchema, skuLevelsSchema } from '../api/schemas';

describe('API: orders (start, read, list, idempotency)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const countWorkflows = async (orderId: string) =>
    (await h.client.workflowService.countWorkflowExecutions({ namespace: 'default', query: `WorkflowId = 'order-${orderId}'` })).count?.toNumber() ?? 0;
  /** Visibility lags: wait until it has seen the start, then check the count stays 1. */
  const exactlyOneWorkflow = async (orderId: string) => {
    await eventually(async () => ((await countWorkflows(orderId)) >= 1 ? true : undefined));
    expect(await countWorkflows(orderId)).toBe(1);
  };

  it('POST /orders → 202 {orderId, status, links}; GET /orders/:id shows the order', async () => {
    const { sku, warehouseId } = await seedStock(h.app, 5);
    const orderId = uid('ord');
    const res = await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId, shippingMethod: 'express' }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      orderId,
      status: 'received',
      links: { self: `/orders/${orderId}`, temporalUi: `http://temporal-ui.test:8233/namespaces/default/workflows/order-${orderId}` },
    });
    expect(res.headers.location).toBe(`/orders/${orderId}`);
    expect(orderAcceptedSchema.safeParse(res.body).error).toBeUndefined();

    const view = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('support'));
      return r.status === 200 && r.body.status === 'picking' ? r.body : undefined;
    });
    expect(view).toMatchObject({
      orderId,
      status: 'picking',
      channel: 'web',
      customer: { email: 'ada@example.com' },
      lines: [{ sku, quantity: 2 }],
      allocations: [{ warehouseId, sku, quantity: 2 }],
      shippingMethod: 'express',
      history: expect.arrayContaining([expect.objectContaining({ status: 'received' })]),
      links: { self: `/orders/${orderId}` },
    });
    expect(orderViewSchema.safeParse(view).error).toBeUndefined();
    const level = await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200);
    expect(level.body).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    expect(skuLevelsSchema.safeParse(level.body).error).toBeUndefined();
    const d = await h.client.workflow.getHandle(`order-${orderId}`).describe();
    expect(d.memo?.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.taskQueue).toBe(h.config.taskQueue);
  });

  it('GET /orders/:id of an unknown order → 404', async () => {
    const res = await request(h.app).get(`/orders/${uid('nope')}`).set(as('ops'));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('an order with an unknown SKU is accepted, then rejected by the workflow', async () => {
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku: uid('NOPE'), quantity: 1 }], { orderId })).expect(202);
    const view = await eventually(async () => {
      const r = await request(h.app).get(`/orders/${orderId}`).set(as('ops'));
      return r.body.status === 'rejected' ? r.body : undefined;
    });
    expect(view.lastError).toMatchObject({ step: 'validate' });
  });

  describe('idempotency', () => {
    it('same orderId + same body → 200 with the same order, no second workflow; another body → 409', async () => {
      const { sku } = await seedStock(h.app, 5);
      const orderId = uid('ord');
      const body = orderBody([{ sku, quantity: 1 }], { orderId });
      const first = await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
      // Same content, keys in another order and the default spelled out: still the same request.
      const reordered = { shippingMethod: 'standard', ...Object.fromEntries(Object.entries(body).reverse()) };
      const repeat = await request(h.app).post('/orders').set(as('system')).send(reordered);
      expect(repeat.status).toBe(200);
      expect(repeat.body.orderId).toBe(orderId);
      expect(repeat.body.links).toEqual(first.body.links);
      expect(repeat.body.status).toEqual(expect.any(String));

      const conflict = await request(h.app).post('/orders').set(as('system')).send({ ...body, lines: [{ sku, quantity: 2 }] });
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ error: 'order_conflict', details: { orderId } });
      await exactlyOneWorkflow(orderId);
    });

    it('Idempotency-Key becomes the order id: repeat → 200, another body → 409', async () => {
      const { sku } = await seedStock(h.app, 5);
      const key = uid('key');
      const body = orderBody([{ sku, quantity: 1 }]);
      const first = await request(h.app).post('/orders').set(as('system')).set('Idempotency-Key', key).send(body);
      expect(first.status).toBe(202);
      expect(first.body.orderId).toBe(key);
      const repeat = await request(h.app).post('/orders').set(as('system')).set('Idempotency-Key', key).send(body);
      expect(repeat.status).toBe(200);
      expect(repeat.body.orderId).toBe(key);
      const conflict = await request(h.app).post('/orders').set(as('system')).set('Idempotency-Key', key).send({ ...body, channel: 'phone' });
      expect(conflict.status).toBe(409);
      const bad = await request(h.app).post('/orders').set(as('system')).set('Idempotency-Key', 'no spaces allowed').send(body);
      expect(bad.status).toBe(400);
      expect(bad.body.details[0]).toMatchObject({ in: 'header', path: 'Idempotency-Key' });
      await exactlyOneWorkflow(key);
    });

    it('without orderId or key the id is generated', async () => {
      const { sku } = await seedStock(h.app, 2);
      const body = orderBody([{ sku, quantity: 1 }]);
      const a = await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
      const b = await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
      expect(a.body.orderId).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.body.orderId).not.toBe(a.body.orderId);
    });

    it('5 identical requests at the same moment create exactly one workflow', async () => {
      const { sku } = await seedStock(h.app, 5);
      const orderId = uid('ord');
      const body = orderBody([{ sku, quantity: 1 }], { orderId });
      const results = await Promise.all(Array.from({ length: 5 }, () => request(h.app).post('/orders').set(as('system')).send(body)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 202]);
      for (const r of results) expect(r.body.orderId).toBe(orderId);
      await exactlyOneWorkflow(orderId);

      const key = uid('key');
      const keyed = await Promise.all(
        Array.from({ length: 5 }, () => request(h.app).post('/orders').set(as('system')).set('Idempotency-Key', key).send(orderBody([{ sku, quantity: 1 }], { customer: { id: 'same' } }))),
      );
      expect(keyed.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
      await exactlyOneWorkflow(key);
    });

    it('a repeat after the order closed is still 200 (REJECT_DUPLICATE), never a second order', async () => {
      const { sku } = await seedStock(h.app, 2);
      const orderId = uid('ord');
      const body = orderBody([{ sku, quantity: 1 }], { orderId });
      await request(h.app).post('/orders').set(as('system')).send(body).expect(202);
      await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'picking' ? true : undefined));
      await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'test' }).expect(200);
      await eventually(async () => ((await h.client.workflow.getHandle(`order-${orderId}`).describe()).status.name !== 'RUNNING' ? true : undefined));
      const repeat = await request(h.app).post('/orders').set(as('system')).send(body);
      expect(repeat.status).toBe(200);
      expect(repeat.body.status).toBe('cancelled');
      await exactlyOneWorkflow(orderId);
    });
  });

  describe('GET /orders (visibility)', () => {
    it('filters by status, customerId, sku, channel and warehouseId; pages with limit and cursor; newest first', async () => {
      const a = await seedStock(h.app, 10);
      const b = await seedStock(h.app, 10);
      const customerId = `o'brien ${uid('c')} 100%_`; // a quote (escaped in the query) and LIKE wildcards (never interpreted)
      const channel = uid('chan');
      const ids: string[] = [];
      for (const [i, lines] of [[{ sku: a.sku, quantity: 1 }], [{ sku: b.sku, quantity: 1 }], [{ sku: a.sku, quantity: 1 }, { sku: b.sku, quantity: 1 }]].entries()) {
        const orderId = uid(`list${i}`);
        ids.push(orderId);
        await request(h.app)
          .post('/orders')
          .set(as('system'))
          .send(orderBody(lines, { orderId, channel, customer: { id: customerId } }))
          .expect(202);
      }
      const list = async (query: Record<string, string | number>) => {
        const r = await request(h.app).get('/orders').query(query).set(as('ops'));
        expect(r.status).toBe(200);
        return r.body as { orders: Array<{ orderId: string; status: string; skus: string[]; warehouseIds: string[] }>; nextCursor?: string };
      };
      const idsOf = (page: { orders: Array<{ orderId: string }> }) => page.orders.map((o) => o.orderId);

      // All three reach picking (reserved from their warehouses): then every filter is stable.
      const byCustomer = await eventually(async () => {
        const page = await list({ customerId, status: 'picking' });
        return page.orders.length === 3 && page.orders.every((o) => o.warehouseIds.length > 0) ? page : undefined;
      });
      expect(idsOf(byCustomer)).toEqual([...ids].reverse()); // newest first
      expect(orderListSchema.safeParse(byCustomer).error).toBeUndefined();
      expect(byCustomer.orders[0]).toMatchObject({
        orderId: ids[2],
        status: 'picking',
        customerId,
        channel,
        skus: [a.sku, b.sku].sort(),
        workflowStatus: 'RUNNING',
        startedAt: expect.any(String),
        links: { self: `/orders/${ids[2]}` },
      });
      expect(idsOf(await list({ sku: a.sku }))).toEqual([ids[2], ids[0]]);
      expect(idsOf(await list({ sku: b.sku, channel }))).toEqual([ids[2], ids[1]]);
      expect(idsOf(await list({ warehouseId: a.warehouseId }))).toEqual([ids[2], ids[0]]);
      expect(idsOf(await list({ channel, status: 'received,awaiting_stock' }))).toEqual([]);
      expect(idsOf(await list({ channel, status: 'picking,cancelled' }))).toHaveLength(3);
      expect(idsOf(await list({ customerId: `${customerId}x` }))).toEqual([]);

      const page1 = await list({ channel, limit: 2 });
      expect(page1.orders).toHaveLength(2);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const page2 = await list({ channel, limit: 2, cursor: page1.nextCursor as string });
      expect([...idsOf(page1), ...idsOf(page2)]).toEqual([...ids].reverse());
      expect(page2.nextCursor).toBeUndefined();

      // a status change shows up (eventually) in the filter
      await request(h.app).post(`/orders/${ids[0]}/cancel`).set(as('support')).send({ reason: 'list test' }).expect(200);
      await eventually(async () => {
        const page = await list({ channel, status: 'cancelled' });
        return idsOf(page).join() === ids[0] ? true : undefined;
      });
    });

    it('validates the list query', async () => {
      for (const query of ['status=lost', 'limit=0', 'limit=501', 'limit=abc', 'sku=a%27b', 'cursor=!!', 'colour=red', 'status=picking&status=packing']) {
        const r = await request(h.app).get(`/orders?${query}`).set(as('ops'));
        expect({ query, status: r.status }).toEqual({ query, status: 400 });
        expect(r.body.error).toBe('validation_failed');
      }
      for (const cursor of ['AAAA', 'AQAAAAAAAAAAAAAA']) {
        const badCursor = await request(h.app).get('/orders').query({ cursor }).set(as('ops'));
        expect(badCursor.status).toBe(400);
        expect(badCursor.body.error).toBe('invalid_cursor');
      }
      const unsearchable = await request(h.app).get('/orders').query({ customerId: 'a"b' }).set(as('ops'));
      expect(unsearchable.status).toBe(400);
      expect(unsearchable.body.details[0]).toMatchObject({ in: 'query', path: 'customerId' });
    });
  });
});
