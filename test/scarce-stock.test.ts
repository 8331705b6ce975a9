/**
 * Scarce stock (docs/design.md §17): units that arrive go to the waiting orders in
 * compareWaiting order — earliest shipBy, orders without one after, then waiting since — not
 * to whichever wake-up runs first; also with two worker processes taking the wake-ups.
 */
import request from 'supertest';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { eventually } from './support/temporal';
import { exitOf, spawnWorkerProcess } from './support/worker-process';

const DAY = 24 * 3_600_000;

async function statusOf(app: TestApp, orderId: string): Promise<string> {
  return (await request(app).get(`/orders/${orderId}`).set(as('ops')).expect(200)).body.status;
}

async function untilStatus(app: TestApp, orderId: string, status: string): Promise<void> {
  await eventually(async () => ((await statusOf(app, orderId)) === status ? true : undefined), 60_000);
}

/** Three orders wait for one SKU; three receipts of one unit each fill them in queue order. */
async function scenario(h: ApiHarness): Promise<void> {
  const { warehouseId, sku } = await seedStock(h.app, 0);
  const place = async (shipBy?: string) => {
    const orderId = uid('ord');
    await request(h.app)
      .post('/orders')
      .set(as('system'))
      .send(orderBody([{ sku, quantity: 1 }], { orderId, ...(shipBy ? { shipBy } : {}) }))
      .expect(202);
    // Placed one after the other: each starts waiting before the next is placed.
    await untilStatus(h.app, orderId, 'awaiting_stock');
    return orderId;
  };
  const threeDays = await place(new Date(Date.now() + 3 * DAY).toISOString());
  const none = await place();
  const oneDay = await place(new Date(Date.now() + DAY).toISOString());
  const heldBy = async () => {
    const held = await h.knex('reservations').where({ sku, status: 'held' }).select<Array<{ order_id: string }>>('order_id');
    return held.map((r) => r.order_id).sort();
  };
  const receive = () => request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId, sku, quantity: 1 }).expect(201);

  await receive();
  await untilStatus(h.app, oneDay, 'picking');
  expect(await heldBy()).toEqual([oneDay]);
  expect(await statusOf(h.app, threeDays)).toBe('awaiting_stock');
  expect(await statusOf(h.app, none)).toBe('awaiting_stock');

  await receive();
  await untilStatus(h.app, threeDays, 'picking');
  expect(await heldBy()).toEqual([oneDay, threeDays].sort());
  expect(await statusOf(h.app, none)).toBe('awaiting_stock');

  await receive();
  await untilStatus(h.app, none, 'picking');
  expect(await heldBy()).toEqual([oneDay, threeDays, none].sort());
  const { rows } = await h.knex.raw<{ rows: Array<{ n: number }> }>('SELECT count(*)::int AS n FROM ledger_sku_waits WHERE sku = ?', [sku]);
  expect(rows[0].n).toBe(0);
  expect(await h.ledger.reconcile(undefined, { skus: [sku] })).toEqual({ ok: true, problems: [] });
}

describe('scarce stock goes to the waiting orders in queue order', () => {
  it('one worker', async () => {
    const h = await startApi({ worker: true });
    try {
      await scenario(h);
    } finally {
      await h.stop();
    }
  });

  it('two worker processes', async () => {
    const h = await startApi();
    const env = { WAREHOUSE_MODE: 'manual', CARRIER_MODE: 'manual', BACKORDER_TIMEOUT: '10m', PICK_TIMEOUT: '10m' };
    const workers = [spawnWorkerProcess(h.config.taskQueue, env), spawnWorkerProcess(h.config.taskQueue, env)];
    try {
      await scenario(h);
    } finally {
      for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => exitOf(w)));
      await h.stop();
    }
  });
});
