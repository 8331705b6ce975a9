/**
 * With payload encryption on, failure messages are encrypted too (docs/design.md §20,
 * "Hygiene"): an activity's failure reaches the server as "Encoded failure" with its message
 * and stack in an encrypted payload, and reads back in full through the codec.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { as, orderBody, seedStock, startApi, type ApiHarness } from './support/api-fixtures';
import { connectClient, eventually } from './support/temporal';
import { closedPort } from './support/webhook-receiver';

const KEY = `k1:${randomBytes(32).toString('base64')}`;

describe('failure attributes under payload encryption', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ worker: true, env: { PAYLOAD_ENCRYPTION_KEYS: KEY } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('an activity failure is stored encoded and encrypted; the order still reads its reason', async () => {
    const { warehouseId, sku } = await seedStock(h.app, 5);
    // A fulfillmentUrl without INTEGRATION_SECRET (set behind the API's back): the request
    // activity fails for good saying why — the message under test.
    await h.knex('warehouses').where({ id: warehouseId }).update({ fulfillment_url: `http://127.0.0.1:${await closedPort()}/f` });
    const created = await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }])).expect(202);
    const orderId = created.body.orderId as string;
    const order = await eventually(async () => {
      const res = await request(h.app).get(`/orders/${orderId}`).set(as('support')).expect(200);
      return res.body.status === 'needs_attention' ? res.body : undefined;
    });
    expect(order.lastError.message).toContain('INTEGRATION_SECRET is not set');

    const { client, connection } = await connectClient(); // no codec: what the server holds
    try {
      const history = await client.workflow.getHandle(`order-${orderId}`).fetchHistory();
      const failed = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes);
      expect(failed.length).toBeGreaterThan(0);
      for (const e of failed) {
        const failure = e.activityTaskFailedEventAttributes!.failure!;
        expect(failure.message).toBe('Encoded failure');
        expect(failure.stackTrace ?? '').toBe('');
        expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
        const inner = failure.cause ?? undefined;
        if (inner) expect(inner.message).toBe('Encoded failure');
      }
      expect(JSON.stringify(history)).not.toContain('INTEGRATION_SECRET is not set');
    } finally {
      await connection.close();
    }
  });
});
