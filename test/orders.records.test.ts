import { randomBytes } from 'node:crypto';
import { createOrderRecords, InvalidCursorError } from '../orders';
import { createCursorCodec } from '../orders/cursor';
import { listQuery } from '../orders/list';
import type { OrderRecord, OrderRecordFilters } from '../orders';
import { orderWorkflowId, type OrderStatus, type OrderView } from '../domain/types';
import { testKnex } from './support/db';

const uid = (): string => randomBytes(4).toString('hex');
const SECRET = randomBytes(32);

function view(orderId: string, over: Partial<OrderView> = {}): OrderView {
  return {
    orderId,
    status: 'received',
    channel: 'web',
    customer: { id: 'c-1', email: 'c1@example.com' },
    shippingAddress: { name: 'A', line1: '1 Road', city: 'Town', postalCode: '1000', country: 'NL' },
    shippingMethod: 'standard',
    lines: [{ sku: 'sku-a', quantity: 1 }],
    allocations: [],
    backordered: [],
    fulfillments: [],
    holds: [],
    history: [{ at: '2025-01-01T00:00:00.000Z', status: 'received' }],
    edits: 0,
    ...over,
  };
}

const ids = (records: OrderRecord[]): string[] => records.map((r) => r.orderId);

describe('order records', () => {
  const knex = testKnex(12);
  const records = createOrderRecords(knex, { cursorSecret: SECRET });
  afterAll(() => knex.destroy());

  const accept = (orderId: string, over: Partial<OrderView> = {}, requestHash = 'h1') =>
    records.accept({ orderId, requestHash, view: view(orderId, over), workflowId: orderWorkflowId(orderId) });

  it('accepts an id once; a second accept returns the existing record', async () => {
    const id = `o-${uid()}`;
    const first = await accept(id);
    expect(first.created).toBe(true);
    expect(first.record).toMatchObject({ orderId: id, requestHash: 'h1', workflowId: `order-${id}`, version: 0, view: view(id) });
    expect(first.record.runId).toBeUndefined();
    const second = await accept(id, { channel: 'other' }, 'h2');
    expect(second.created).toBe(false);
    expect(second.record).toEqual(first.record);
    expect(await records.get(id)).toEqual(first.record);
    expect(await records.get(`missing-${uid()}`)).toBeUndefined();
  });

  it('of 20 concurrent accepts of one id exactly one creates', async () => {
    const id = `o-${uid()}`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => accept(id, {}, `h${i}`)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)!.record;
    for (const r of results) expect(r.record).toEqual(winner);
    const [{ n }] = await knex('order_records').where('order_id', id).count({ n: '*' });
    expect(Number(n)).toBe(1);
  });

  it('save applies only a newer version (1, 3, 2 leaves 3)', async () => {
    const id = `o-${uid()}`;
    await accept(id);
    expect(await records.save(view(id, { status: 'reserved' }), { version: 1, runId: 'run-1' })).toBe(true);
    expect(await records.save(view(id, { status: 'picking' }), { version: 3 })).toBe(true);
    expect(await records.save(view(id, { status: 'awaiting_stock' }), { version: 2, runId: 'run-2' })).toBe(false);
    expect(await records.save(view(id, { status: 'packing' }), { version: 3 })).toBe(false);
    const r = (await records.get(id))!;
    expect(r).toMatchObject({ version: 3, runId: 'run-1', requestHash: 'h1', view: { status: 'picking' } });
    expect(r.updatedAt.getTime()).toBeGreaterThanOrEqual(r.createdAt.getTime());
    expect(await knex('order_records').where('order_id', id).first('status')).toEqual({ status: 'picking' });
  });

  it('save keeps the SKU and warehouse filters in step with the view', async () => {
    const id = `o-${uid()}`;
    const [a, b, c, w1, w2] = ['a', 'b', 'c', 'w1', 'w2'].map((x) => `${x}-${uid()}`);
    await accept(id, { lines: [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }] });
    const filters = async () => ({
      skus: await knex('order_record_skus').where('order_id', id).orderBy('sku').pluck('sku'),
      warehouses: await knex('order_record_warehouses').where('order_id', id).orderBy('warehouse_id').pluck('warehouse_id'),
    });
    expect(await filters()).toEqual({ skus: [a, b].sort(), warehouses: [] });
    await records.save(
      view(id, {
        lines: [{ sku: b, quantity: 2 }, { sku: c, quantity: 1 }],
        allocations: [{ warehouseId: w1, sku: b, quantity: 2 }],
        fulfillments: [{ fulfillmentId: 'f1', warehouseId: w2, lines: [{ sku: c, quantity: 1 }], status: 'rejected' }],
      }),
      { version: 1 },
    );
    expect(await filters()).toEqual({ skus: [b, c].sort(), warehouses: [w1, w2].sort() });
    await records.save(view(id, { lines: [{ sku: c, quantity: 1 }] }), { version: 2 });
    expect(await filters()).toEqual({ skus: [c], warehouses: [] });
  });

  it('concurrent saves of one order end on the highest version, filters included', async () => {
    const id = `o-${uid()}`;
    await accept(id);
    const versions = Array.from({ length: 12 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    const linesOf = (v: number) => [{ sku: `v${v}-${id}`, quantity: 1 }];
    const allocationsOf = (v: number) => [{ warehouseId: `w${v}-${id}`, sku: `v${v}-${id}`, quantity: 1 }];
    await Promise.all(versions.map((v) => records.save(view(id, { lines: linesOf(v), allocations: allocationsOf(v) }), { version: v })));
    expect((await records.get(id))!.version).toBe(12);
    expect(await knex('order_record_skus').where('order_id', id).pluck('sku')).toEqual([`v12-${id}`]);
    expect(await knex('order_record_warehouses').where('order_id', id).pluck('warehouse_id')).toEqual([`w12-${id}`]);
  });

  it('writes inside a caller\'s transaction and rolls back with it', async () => {
    const id = `o-${uid()}`;
    await expect(
      knex.transaction(async (trx) => {
        const inTrx = createOrderRecords(trx, { cursorSecret: SECRET });
        expect((await inTrx.accept({ orderId: id, requestHash: 'h', view: view(id), workflowId: orderWorkflowId(id) })).created).toBe(true);
        expect(await inTrx.save(view(id, { status: 'reserved' }), { version: 1 })).toBe(true);
        expect((await inTrx.get(id))!.view.status).toBe('reserved');
        throw new Error('ledger write failed');
      }),
    ).rejects.toThrow('ledger write failed');
    expect(await records.get(id)).toBeUndefined();
    expect(await knex('order_record_skus').where('order_id', id).pluck('sku')).toEqual([]);
  });

  it('save of an order with no record creates it, without a request hash', async () => {
    const id = `o-${uid()}`;
    expect(await records.save(view(id, { status: 'reserved' }), { version: 4, runId: 'r' })).toBe(true);
    const r = (await records.get(id))!;
    expect(r).toMatchObject({ orderId: id, version: 4, runId: 'r', workflowId: orderWorkflowId(id) });
    expect(r.requestHash).toBeUndefined();
    expect((await accept(id)).created).toBe(false);
    await records.save(view(id), { version: 5, requestHash: 'late' });
    expect((await records.get(id))!.requestHash).toBe('late');
    await records.save(view(id), { version: 6, requestHash: 'other' });
    expect((await records.get(id))!.requestHash).toBe('late');
  });

  it('setRun records the run; false for an unknown order', async () => {
    const id = `o-${uid()}`;
    await accept(id);
    expect(await records.setRun(id, 'run-a')).toBe(true);
    expect((await records.get(id))!.runId).toBe('run-a');
    expect(await records.setRun(`missing-${uid()}`, 'run-a')).toBe(false);
  });

  it('lists by every filter, newest first', async () => {
    const t = uid();
    const start = new Date(Date.now() - 1000);
    const spec: { id: string; status: OrderStatus; customer: string; channel: string; sku: string; warehouse?: string }[] = [
      { id: `${t}-1`, status: 'received', customer: `c1-${t}`, channel: `ch1-${t}`, sku: `s1-${t}` },
      { id: `${t}-2`, status: 'shipped', customer: `c1-${t}`, channel: `ch2-${t}`, sku: `s2-${t}`, warehouse: `w1-${t}` },
      { id: `${t}-3`, status: 'shipped', customer: `c2-${t}`, channel: `ch1-${t}`, sku: `s1-${t}`, warehouse: `w2-${t}` },
      { id: `${t}-4`, status: 'cancelled', customer: `c2-${t}`, channel: `ch2-${t}`, sku: `s2-${t}`, warehouse: `w1-${t}` },
    ];
    for (const s of spec) {
      await accept(s.id, { customer: { id: s.customer }, channel: s.channel, lines: [{ sku: s.sku, quantity: 1 }] });
      if (s.warehouse || s.status !== 'received') {
        const allocations = s.warehouse ? [{ warehouseId: s.warehouse, sku: s.sku, quantity: 1 }] : [];
        await records.save(view(s.id, { status: s.status, customer: { id: s.customer }, channel: s.channel, lines: [{ sku: s.sku, quantity: 1 }], allocations }), { version: 1 });
      }
    }
    // Spread created_at so "newest first" and the date filters have something to tell apart.
    for (const [i, s] of spec.entries()) await knex.raw(`UPDATE order_records SET created_at = now() + make_interval(secs => ?) WHERE order_id = ?`, [i, s.id]);
    await knex.raw(`UPDATE order_record_skus k SET created_at = r.created_at FROM order_records r WHERE r.order_id = k.order_id AND r.order_id LIKE ?`, [`${t}-%`]);
    await knex.raw(`UPDATE order_record_warehouses k SET created_at = r.created_at FROM order_records r WHERE r.order_id = k.order_id AND r.order_id LIKE ?`, [`${t}-%`]);

    const mine = async (filters: OrderRecordFilters) =>
      ids((await records.list({ createdAfter: start, ...filters }, { limit: 1000 })).orders).filter((id) => id.startsWith(`${t}-`));
    const n = (...xs: number[]) => xs.map((x) => `${t}-${x}`);

    expect(await mine({})).toEqual(n(4, 3, 2, 1));
    expect(await mine({ status: 'shipped' })).toEqual(n(3, 2));
    expect(await mine({ status: ['cancelled', 'received'] })).toEqual(n(4, 1));
    expect(await mine({ customerId: `c1-${t}` })).toEqual(n(2, 1));
    expect(await mine({ channel: `ch1-${t}` })).toEqual(n(3, 1));
    expect(await mine({ sku: `s2-${t}` })).toEqual(n(4, 2));
    expect(await mine({ warehouseId: `w1-${t}` })).toEqual(n(4, 2));
    expect(await mine({ sku: `s2-${t}`, warehouseId: `w1-${t}`, status: 'cancelled' })).toEqual(n(4));
    expect(await mine({ warehouseId: `w1-${t}`, customerId: `c1-${t}`, channel: `ch2-${t}` })).toEqual(n(2));
    const created = await knex('order_records').whereIn('order_id', n(1, 2, 3, 4)).orderBy('order_id').pluck('created_at');
    expect(await mine({ createdAfter: created[1], createdBefore: created[3] })).toEqual(n(3, 2));
    expect(await mine({ customerId: `nobody-${t}` })).toEqual([]);
  });

  it('pages 5 orders 2 at a time: 5 distinct, newest first, no duplicate from an insert meanwhile', async () => {
    const customer = `pager-${uid()}`;
    for (let i = 0; i < 5; i++) await accept(`p-${uid()}`, { customer: { id: customer } });
    const seen: OrderRecord[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await records.list({ customerId: customer }, { limit: 2, cursor });
      seen.push(...page.orders);
      cursor = page.nextCursor;
      if (pages++ === 0) await accept(`p-late-${uid()}`, { customer: { id: customer } });
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(ids(seen)).size).toBe(5);
    expect(ids(seen).some((id) => id.startsWith('p-late-'))).toBe(false);
    const newestFirst = [...seen].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.orderId < b.orderId ? 1 : -1));
    expect(ids(seen)).toEqual(ids(newestFirst));
  });

  it('refuses a forged, garbled or foreign cursor with InvalidCursorError', async () => {
    const customer = `cur-${uid()}`;
    for (let i = 0; i < 3; i++) await accept(`q-${uid()}`, { customer: { id: customer } });
    const { nextCursor } = await records.list({ customerId: customer }, { limit: 1 });
    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const good = nextCursor!;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const payload = Buffer.from(JSON.stringify({ t: 0, id: 'x', f: 'y' })).toString('base64url');
    const otherSecret = createOrderRecords(knex, { cursorSecret: randomBytes(32) });
    const bad: [string, () => Promise<unknown>][] = [
      ['garbage', () => records.list({ customerId: customer }, { limit: 1, cursor: 'not a cursor!' })],
      ['empty', () => records.list({ customerId: customer }, { limit: 1, cursor: '' })],
      ['unsigned', () => records.list({ customerId: customer }, { limit: 1, cursor: payload })],
      ['flipped mac', () => records.list({ customerId: customer }, { limit: 1, cursor: flip(good, 3) })],
      ['flipped payload', () => records.list({ customerId: customer }, { limit: 1, cursor: flip(good, good.length - 5) })],
      ['truncated', () => records.list({ customerId: customer }, { limit: 1, cursor: good.slice(0, -2) })],
      ['huge', () => records.list({ customerId: customer }, { limit: 1, cursor: 'A'.repeat(5000) })],
      ['other secret', () => otherSecret.list({ customerId: customer }, { limit: 1, cursor: good })],
      ['other filters', () => records.list({ customerId: `${customer}-x` }, { limit: 1, cursor: good })],
    ];
    for (const [what, call] of bad) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect({ what, invalid: error instanceof InvalidCursorError }).toEqual({ what, invalid: true });
    }
    await expect(records.list({ customerId: customer }, { limit: 1, cursor: good })).resolves.toHaveProperty('orders');
  });

  it('lists by customer through an index with 5k records', async () => {
    const t = uid();
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const id = `bulk-${t}-${i}`;
      const v = view(id, { customer: { id: `bulk-c-${t}-${i % 1000}` } });
      return { order_id: id, request_hash: 'h', channel: v.channel, customer_id: v.customer.id, status: v.status, view: JSON.stringify(v), workflow_id: orderWorkflowId(id) };
    });
    await knex.batchInsert('order_records', rows, 1000);
    await knex.raw('ANALYZE order_records');
    const { query } = listQuery(knex, createCursorCodec(SECRET), { customerId: `bulk-c-${t}-7` }, { limit: 50 });
    const { sql, bindings } = query.toSQL();
    const plan = (await knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(`EXPLAIN ${sql}`, bindings)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('order_records_by_customer');
    expect(plan).not.toMatch(/Seq Scan on order_records/);
    expect(ids((await records.list({ customerId: `bulk-c-${t}-7` }, { limit: 50 })).orders)).toHaveLength(5);
  });
});
