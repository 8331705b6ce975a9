/**
 * Temporal's per-workflow Update cap (history.maxTotalUpdates) answered 409 `order_limit_reached`,
 * never 500: on a dev server of its own whose cap is lowered to 4, over real HTTP.
 */
import request from 'supertest';
import { startDevServer, type DevServer } from '../platform/dev-server';
import { findTemporalCli } from '../platform/temporal-cli';
import { eventually } from './support/temporal';
import { as, orderBody, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';

const CAP = 4;

async function untilStatus(app: TestApp, orderId: string, status: string) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('ops'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, 60_000);
}

describe('API: the per-workflow Update cap', () => {
  let server: DevServer;
  let h: ApiHarness;
  beforeAll(async () => {
    server = await startDevServer({
      cliPath: findTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, pathEnv: process.env.PATH }),
      port: 0,
      namespace: 'default',
      dynamicConfig: { 'history.maxTotalUpdates': CAP },
    });
    // The harness connects to TEMPORAL_ADDRESS while it starts; the run's own server is put back at once.
    const runServer = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = server.address;
    try {
      h = await startApi({ worker: true });
    } finally {
      process.env.TEMPORAL_ADDRESS = runServer;
    }
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await server?.stop();
  });

  it('past the cap a hold is refused with 409 order_limit_reached', async () => {
    const { sku } = await seedStock(h.app, 2);
    const orderId = uid('ord');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'picking');
    const answers: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < CAP + 2; i++) {
      last = await request(h.app).post(`/orders/${orderId}/holds`).set(as('support')).set('Idempotency-Key', `hold-${i}`).send({ reason: 'other' });
      answers.push(last.status);
      if (last.status !== 201) break;
    }
    expect(answers.slice(0, CAP)).toEqual(Array(CAP).fill(201));
    expect(last!.status).toBe(409);
    expect(last!.body).toMatchObject({ error: 'order_limit_reached', details: { orderId } });
  }, 120_000);
});
