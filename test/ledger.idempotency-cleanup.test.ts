import { deleteExpiredIdempotency } from '../ledger/idempotency-cleanup';
import { givenStock, ledgerHarness, namer } from './ledger.fixtures';

const DAY = 86_400_000;

describe('idempotency records expire', () => {
  const h = ledgerHarness(4);
  afterAll(() => h.close());

  it('deletes records older than the window in batches, keeps newer ones and every movement', async () => {
    const n = namer();
    const old = Array.from({ length: 2_500 }, (_, i) => ({ key: n(`old-${i}`), op: 'test', request_hash: 'h', result: '{}', created_at: h.knex.raw("now() - interval '31 days'") }));
    for (let i = 0; i < old.length; i += 500) await h.knex('ledger_idempotency').insert(old.slice(i, i + 500));
    const fresh = { key: n('fresh'), op: 'test', request_hash: 'h', result: '{}' };
    await h.knex('ledger_idempotency').insert(fresh);
    // A real write whose record is old too: its record goes, its movement stays.
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('s') }] });
    await h.ledger.receive({ warehouseId: n('w'), sku: n('s'), quantity: 3, key: n('recv') });
    await h.knex('ledger_idempotency').where({ key: n('recv') }).update({ created_at: h.knex.raw("now() - interval '31 days'") });

    const r = await deleteExpiredIdempotency(h.knex, { retentionMs: 30 * DAY, batchSize: 1_000 });
    expect(r.deleted).toBeGreaterThanOrEqual(2_500); // other suites' old rows too, if any
    expect(r.batches).toBeGreaterThanOrEqual(3);
    expect(await h.knex('ledger_idempotency').whereIn('key', old.map((o) => o.key)).count<{ count: string }[]>('* as count')).toEqual([{ count: '0' }]);
    expect(await h.knex('ledger_idempotency').where({ key: fresh.key }).first()).toBeDefined();
    expect(await h.knex('ledger_idempotency').where({ key: n('recv') }).first()).toBeUndefined();
    expect(await h.knex('stock_movements').where({ sku: n('s') }).count<{ count: string }[]>('* as count')).toEqual([{ count: '1' }]);
  });

  it('a repeat after expiry is a new request', async () => {
    const n = namer();
    const [w, sku] = [n('w'), n('s')];
    await givenStock(h.ledger, { warehouses: [{ id: w }], skus: [{ sku }] });
    const order = n('o');
    await h.ledger.reserve(order, [{ sku, quantity: 1 }], n('res'));
    // Within the window, a repeated release with another payload is a conflict.
    await h.ledger.release(order, n('rel'));
    await expect(h.ledger.reserve(order, [{ sku, quantity: 1 }], n('rel'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    await h.knex('ledger_idempotency').where({ key: n('rel') }).update({ created_at: h.knex.raw("now() - interval '31 days'") });
    await deleteExpiredIdempotency(h.knex, { retentionMs: 30 * DAY });
    // After it, the key is free: the same key now runs as new.
    const again = await h.ledger.release(order, n('rel'));
    expect(again.released).toEqual([]);
    expect(await h.knex('ledger_idempotency').where({ key: n('rel') }).first()).toBeDefined();
  });

  it('a repeat after expiry that would write the same movements again is refused (409), never applied twice', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('s') }] });
    await h.ledger.receive({ warehouseId: n('w'), sku: n('s'), quantity: 2, key: n('k') });
    await h.knex('ledger_idempotency').where({ key: n('k') }).update({ created_at: h.knex.raw("now() - interval '31 days'") });
    await deleteExpiredIdempotency(h.knex, { retentionMs: 30 * DAY });
    await expect(h.ledger.receive({ warehouseId: n('w'), sku: n('s'), quantity: 2, key: n('k') })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect((await h.ledger.levels(n('s')))?.onHand).toBe(2);
  });
});
