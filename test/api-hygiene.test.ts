/**
 * The API's hygiene (docs/design.md §20): failed authentications limited per client address,
 * request logs naming the key by its fingerprint, and the reconciliation run once for
 * concurrent callers.
 */
import request from 'supertest';
import { createApp } from '../api/app';
import { keyFingerprint } from '../api/key-fingerprint';
import { createLogger } from '../platform/logger';
import type { Ledger } from '../ledger/types';
import { as, KEYS, seedStock, startApi, type ApiHarness, appServices } from './support/api-fixtures';

describe('API hygiene', () => {
  let h: ApiHarness;
  let reconcileCalls = 0;
  let releaseReconcile: (() => void) | undefined;
  beforeAll(async () => {
    h = await startApi({
      override: (deps) => ({
        ...deps,
        ledger: {
          ...deps.ledger,
          // Counts the runs and holds each until the test lets it go, so callers overlap for sure.
          reconcile: async (...args: Parameters<Ledger['reconcile']>) => {
            reconcileCalls++;
            await new Promise<void>((r) => (releaseReconcile = r));
            return deps.ledger.reconcile(...args);
          },
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('failed authentications: past the limit an address gets 429 with Retry-After, right key or wrong', async () => {
    const limited = (perMinute: number) =>
      createApp({ config: { ...h.config, authFailuresPerMinute: perMinute }, ledger: h.ledger, records: h.records, client: h.client, knex: h.knex, ...appServices(h.client, h.ledger, h.records), logger: createLogger({ write: () => undefined }) });
    const app = limited(3);
    // A burst of good requests is never counted.
    const good = await Promise.all(Array.from({ length: 10 }, () => request(app).get('/whoami').set(as('ops'))));
    expect(good.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (let i = 0; i < 3; i++) await request(app).get('/whoami').set({ Authorization: `Bearer guess-${i}` }).expect(401);
    const blocked = await request(app).get('/whoami').set({ Authorization: 'Bearer guess-4' }).expect(429);
    expect(blocked.body).toMatchObject({ error: 'rate_limited', details: { limit: 3 } });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The right key from that address waits too: otherwise the limit would tell a guess that hit.
    await request(app).get('/whoami').set(as('admin')).expect(429);
    // Requests without a key are not refused by it (a health probe).
    expect((await request(app).get('/health')).status).not.toBe(429);
    // Each app (replica) counts its own: a fresh one serves the address.
    await request(limited(3)).get('/whoami').set(as('admin')).expect(200);
    // Under NODE_ENV=test the default is off (suites fail on purpose); elsewhere 30.
    expect(h.config.authFailuresPerMinute).toBe(0);
  });

  it('request logs name the key by its fingerprint, never the key', async () => {
    const lines: string[] = [];
    const app = createApp({ config: h.config, ledger: h.ledger, records: h.records, client: h.client, knex: h.knex, ...appServices(h.client, h.ledger, h.records), logger: createLogger({ write: (l: string) => lines.push(l) }) });
    await request(app).get('/warehouses').set(as('support')).expect(200);
    await request(app).get('/warehouses').set({ Authorization: 'Bearer not-a-key-at-all' }).expect(401);
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ path: '/warehouses', status: 200, role: 'support', keyFingerprint: keyFingerprint(KEYS.support) }),
      expect.objectContaining({ path: '/warehouses', status: 401, keyFingerprint: keyFingerprint('not-a-key-at-all') }),
    ]);
    expect(lines.join('\n')).not.toContain(KEYS.support);
    expect(lines.join('\n')).not.toContain('not-a-key-at-all');
  });

  it('GET /inventory/reconciliation: concurrent callers share one run', async () => {
    const { sku } = await seedStock(h.app, 3);
    const before = reconcileCalls;
    const asks = Array.from({ length: 5 }, () => request(h.app).get('/inventory/reconciliation').query({ skus: sku }).set(as('ops')));
    const answers = Promise.all(asks.map((a) => a.then((r) => r)));
    // Wait until the one run has started, then let it finish.
    while (reconcileCalls === before || !releaseReconcile) await new Promise((r) => setImmediate(r));
    releaseReconcile();
    const done = await answers;
    expect(done.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(done.every((r) => r.body.ok === true)).toBe(true);
    expect(reconcileCalls - before).toBe(1);
  });
});
