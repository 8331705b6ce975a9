import request from 'supertest';
import { as, seedStock, startApi, uid, type ApiHarness } from './support/api-fixtures';

describe('API: channels and availability', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const availability = async (channel: string, sku: string) => {
    const res = await request(h.app).get(`/channels/${channel}/availability?sku=${sku}`).set(as('ops')).expect(200);
    expect(res.body.channel).toBe(channel);
    return res.body.items[0]?.available as number | undefined;
  };

  it('PUT creates (201) then updates (200), omitted fields kept, null clears; GET lists; admin only; bad input 400', async () => {
    const id = uid('chan');
    const created = await request(h.app).put(`/channels/${id}`).set(as('admin')).send({ name: 'Market', bufferPercent: 12.5, bufferUnits: 2, maxListed: 40, warehouseIds: ['w1'] }).expect(201);
    expect(created.body).toEqual({ id, name: 'Market', bufferPercent: 12.5, bufferUnits: 2, maxListed: 40, warehouseIds: ['w1'], createdAt: expect.any(String), updatedAt: expect.any(String) });
    const updated = await request(h.app).put(`/channels/${id}`).set(as('admin')).send({ name: 'Market 2', maxListed: null }).expect(200);
    expect(updated.body).toMatchObject({ name: 'Market 2', bufferPercent: 12.5, bufferUnits: 2, warehouseIds: ['w1'] });
    expect(updated.body.maxListed).toBeUndefined();
    const list = await request(h.app).get('/channels').set(as('support')).expect(200);
    expect(list.body.channels.find((c: { id: string }) => c.id === id)).toMatchObject({ name: 'Market 2' });
    await request(h.app).put(`/channels/${id}`).set(as('support')).send({ name: 'x' }).expect(403);
    for (const body of [{ name: 'x', bufferPercent: 101 }, { name: 'x', bufferPercent: 1.234 }, { name: 'x', bufferUnits: -1 }, { name: 'x', maxListed: 1.5 }, { name: 'x', warehouseIds: [] }, { name: 'x', extra: 1 }]) {
      expect((await request(h.app).put(`/channels/${id}`).set(as('admin')).send(body)).status).toBe(400);
    }
    expect((await request(h.app).get(`/channels/${uid('nope')}/availability`).set(as('ops')).expect(404)).body.error).toBe('not_found');
  });

  it('safetyStock on SKUs: PUT accepts it, GET shows it', async () => {
    const sku = uid('SKU');
    expect((await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'S', safetyStock: 4 }).expect(201)).body).toEqual({ sku, name: 'S', reorderPoint: 0, safetyStock: 4 });
    await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'S2' }).expect(200);
    expect((await request(h.app).get(`/skus/${sku}`).set(as('ops')).expect(200)).body.safetyStock).toBe(4);
    await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'S', safetyStock: -1 }).expect(400);
  });

  it('end to end after a receipt and an adjustment: buffer, units, cap, safety stock, restricted and inactive warehouses', async () => {
    const a = await seedStock(h.app, 0);
    const sku = a.sku;
    const b = await seedStock(h.app, 0, { sku, priority: 2 });
    const inactive = await seedStock(h.app, 0, { sku, priority: 3 });
    await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: a.warehouseId, sku, quantity: 60 }).expect(201);
    await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: b.warehouseId, sku, quantity: 30 }).expect(201);
    await request(h.app).post('/inventory/receipts').set(as('admin')).send({ warehouseId: inactive.warehouseId, sku, quantity: 500 }).expect(201);
    await request(h.app).put(`/warehouses/${inactive.warehouseId}`).set(as('admin')).send({ name: 'Closed', active: false }).expect(200);
    await request(h.app).post('/inventory/adjustments').set(as('admin')).send({ warehouseId: a.warehouseId, sku, delta: -10, reason: 'breakage' }).expect(201);
    await request(h.app).put(`/skus/${sku}`).set(as('admin')).send({ name: 'Thing', safetyStock: 5 }).expect(200);
    // free: a 50, b 30 (inactive 500 never counts) → ATP all = 80 − 5 = 75
    const plain = uid('web');
    const buffered = uid('mkt');
    const capped = uid('cap');
    const onlyB = uid('onlyb');
    const starved = uid('starved');
    await request(h.app).put(`/channels/${plain}`).set(as('admin')).send({ name: 'Web' }).expect(201);
    await request(h.app).put(`/channels/${buffered}`).set(as('admin')).send({ name: 'Mkt', bufferPercent: 10, bufferUnits: 3 }).expect(201);
    await request(h.app).put(`/channels/${capped}`).set(as('admin')).send({ name: 'Cap', maxListed: 20 }).expect(201);
    await request(h.app).put(`/channels/${onlyB}`).set(as('admin')).send({ name: 'B', warehouseIds: [b.warehouseId, inactive.warehouseId] }).expect(201);
    await request(h.app).put(`/channels/${starved}`).set(as('admin')).send({ name: 'Starved', bufferUnits: 1_000 }).expect(201);
    expect(await availability(plain, sku)).toBe(75);
    expect(await availability(buffered, sku)).toBe(64); // floor(67.5) − 3
    expect(await availability(capped, sku)).toBe(20);
    expect(await availability(onlyB, sku)).toBe(25); // 30 − 5; the inactive one is excluded even when named
    expect(await availability(starved, sku)).toBe(0);
  });

  it('pages through every SKU with a keyset cursor', async () => {
    const chan = uid('all');
    await request(h.app).put(`/channels/${chan}`).set(as('admin')).send({ name: 'All' }).expect(201);
    const mine = new Set<string>();
    for (let i = 0; i < 3; i++) mine.add((await seedStock(h.app, i + 1)).sku);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const res = await request(h.app).get(`/channels/${chan}/availability${cursor ? `?cursor=${cursor}` : ''}`).set(as('ops')).expect(200);
      seen.push(...res.body.items.map((i: { sku: string }) => i.sku));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const sku of mine) expect(seen).toContain(sku);
  });
});
