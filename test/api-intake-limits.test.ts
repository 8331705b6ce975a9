/**
 * The smaller limits of the issue "Robust at the limits": the Idempotency-Key names one order,
 * MAX_UNITS_PER_ORDER / MAX_UNITS_PER_LINE at intake and in edits, a movements cursor past
 * bigint, a receipt at the integer ceiling. Real HTTP, Postgres and Temporal.
 */
import request from 'supertest';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('API: intake limits', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { MAX_UNITS_PER_ORDER: '50', MAX_UNITS_PER_LINE: '30' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const create = (body: object, key?: string) => {
    const req = request(h.app).post('/orders').set(as('system'));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  it('an Idempotency-Key names one order: sent again with another orderId it is 409 idempotency_conflict', async () => {
    const { sku } = await seedStock(h.app, 10);
    const key = uid('key');
    const [a, b] = [uid('ord'), uid('ord')];
    await create(orderBody([{ sku, quantity: 1 }], { orderId: a }), key).expect(202);
    const again = await create(orderBody([{ sku, quantity: 1 }], { orderId: b }), key).expect(409);
    expect(again.body).toMatchObject({ error: 'idempotency_conflict', details: { idempotencyKey: key, orderId: a } });
    await request(h.app).get(`/orders/${b}`).set(as('ops')).expect(404);
    // Without an orderId the key is the order id: the same rule holds.
    const keyed = uid('key');
    await create(orderBody([{ sku, quantity: 1 }]), keyed).expect(202);
    await create(orderBody([{ sku, quantity: 1 }], { orderId: uid('ord') }), keyed).expect(409);
    for (const id of [a, keyed]) await request(h.app).post(`/orders/${id}/cancel`).set(as('support')).send({ reason: 'test' }).expect(200);
  });

  it('an Idempotency-Key is validated also when the body has an orderId', async () => {
    const r = await create(orderBody([{ sku: 'S', quantity: 1 }], { orderId: uid('ord') }), 'bad key!').expect(400);
    expect(r.body.details).toEqual([expect.objectContaining({ in: 'header', path: 'Idempotency-Key' })]);
  });

  it('MAX_UNITS_PER_LINE and MAX_UNITS_PER_ORDER at intake: 400 with one issue each', async () => {
    const line = await create(orderBody([{ sku: 'S1', quantity: 31 }])).expect(400);
    expect(line.body.details).toEqual([expect.objectContaining({ in: 'body', path: 'lines.0.quantity', code: 'too_big' })]);
    const order = await create(orderBody([{ sku: 'S1', quantity: 30 }, { sku: 'S2', quantity: 21 }])).expect(400);
    expect(order.body.details).toEqual([expect.objectContaining({ in: 'body', path: 'lines', code: 'too_big', message: expect.stringContaining('MAX_UNITS_PER_ORDER') })]);
    await create(orderBody([{ sku: 'S1', quantity: 30 }, { sku: 'S2', quantity: 20 }], { orderId: uid('ord') })).expect(202);
  });

  it('the same caps hold for edits', async () => {
    const { sku } = await seedStock(h.app, 100);
    const orderId = uid('ord');
    await create(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
    await eventually(async () => ((await request(h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === 'picking' ? true : undefined));
    await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).send({ reason: 'other' }).expect(201);
    const tooMany = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).send({ lines: [{ sku, quantity: 31 }] }).expect(400);
    expect(tooMany.body.details[0]).toMatchObject({ path: 'lines.0.quantity', code: 'too_big' });
    const edited = await request(h.app).post(`/orders/${orderId}/edits`).set(as('support')).send({ lines: [{ sku, quantity: 30 }] }).expect(200);
    expect(edited.body.lines).toEqual([{ sku, quantity: 30 }]);
    await request(h.app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'test' }).expect(200);
  });

  it('GET /inventory/:sku/movements with a cursor past bigint is 400, not 500', async () => {
    const { sku } = await seedStock(h.app, 1);
    const r = await request(h.app).get(`/inventory/${sku}/movements?cursor=9999999999999999999`).set(as('ops')).expect(400);
    expect(r.body.error).toBe('validation_failed');
    await request(h.app).get(`/inventory/${sku}/movements?cursor=999999999999999999`).set(as('ops')).expect(200);
  });

  it('a receipt that would pass the integer ceiling is 422 level_out_of_range', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 0);
    // Near the ceiling in one honest movement (the API caps one receipt at 1,000,000 units).
    await h.knex.raw(
      `WITH m AS (INSERT INTO stock_movements (warehouse_id, sku, kind, on_hand_delta, reserved_delta, idempotency_key, reason)
                  VALUES (?, ?, 'receipt', 2147000000, 0, ?, 'limits test'))
       INSERT INTO stock_levels (warehouse_id, sku, on_hand, reserved) VALUES (?, ?, 2147000000, 0)
       ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = stock_levels.on_hand + 2147000000`,
      [warehouseId, sku, uid('test:ceiling'), warehouseId, sku],
    );
    const r = await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 1_000_000 }).expect(422);
    expect(r.body).toMatchObject({ error: 'level_out_of_range' });
    const level = (await request(h.app).get(`/inventory/${sku}`).set(as('ops')).expect(200)).body;
    expect(level.onHand).toBe(2147000000);
  });
});
