import { LedgerError } from '../ledger';
import { balances, givenStock, ledgerHarness, movementCount, namer } from './ledger.fixtures';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  throw new Error('expected a LedgerError');
}

describe('ledger stock operations', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('upserts warehouses and SKUs, keeping omitted fields', async () => {
    const n = namer();
    expect(await h.ledger.upsertWarehouse({ id: n('w'), name: 'North', priority: 3 })).toEqual({
      warehouse: { id: n('w'), name: 'North', priority: 3, active: true, fulfillmentUrl: null },
      created: true,
    });
    expect(await h.ledger.upsertWarehouse({ id: n('w'), name: 'North 2', active: false })).toEqual({
      warehouse: { id: n('w'), name: 'North 2', priority: 3, active: false },
      created: false,
    });
    expect((await h.ledger.listWarehouses()).find((w) => w.id === n('w'))).toEqual({ id: n('w'), name: 'North 2', priority: 3, active: false });
    expect(await h.ledger.upsertSku({ sku: n('a'), name: 'Mug', reorderPoint: 4 })).toEqual({ sku: { sku: n('a'), name: 'Mug', reorderPoint: 4, safetyStock: 0 }, created: true });
    expect(await h.ledger.upsertSku({ sku: n('a'), name: 'Big mug' })).toEqual({ sku: { sku: n('a'), name: 'Big mug', reorderPoint: 4, safetyStock: 0 }, created: false });
    expect(await h.ledger.getSku(n('a'))).toEqual({ sku: n('a'), name: 'Big mug', reorderPoint: 4, safetyStock: 0 });
    expect(await h.ledger.getSku(n('nope'))).toBeUndefined();
    const facts = await h.ledger.catalogFacts([n('y'), n('a'), n('x'), n('x')]);
    expect(facts.unknownSkus).toEqual([n('y'), n('x')]);
    expect(facts.activeWarehouses).toBe(Number((await h.knex('warehouses').where({ active: true }).count<{ count: string }[]>('* as count'))[0].count));
  });

  it('receives into a new balance row and adjusts it, one movement each', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w1'), priority: 2 }, { id: n('w2'), priority: 1 }], skus: [{ sku: n('a') }] });
    expect(await h.ledger.receive({ warehouseId: n('w1'), sku: n('a'), quantity: 7, reference: 'PO-1', key: n('r1') })).toEqual({
      warehouseId: n('w1'),
      sku: n('a'),
      onHand: 7,
      reserved: 0,
      available: 7,
    });
    await h.ledger.receive({ warehouseId: n('w2'), sku: n('a'), quantity: 2, key: n('r2') });
    expect(await h.ledger.adjust({ warehouseId: n('w1'), sku: n('a'), delta: -3, reason: 'damaged', key: n('j1') })).toMatchObject({ onHand: 4, available: 4 });
    expect(await h.ledger.levels(n('a'))).toEqual({
      sku: n('a'),
      onHand: 6,
      reserved: 0,
      available: 6,
      levels: [
        { warehouseId: n('w2'), onHand: 2, reserved: 0, available: 2 },
        { warehouseId: n('w1'), onHand: 4, reserved: 0, available: 4 },
      ],
    });
    const { movements } = await h.ledger.movements(n('a'));
    expect(movements.map((m) => [m.kind, m.warehouseId, m.onHandDelta, m.reservedDelta, m.reason])).toEqual([
      ['adjustment', n('w1'), -3, 0, 'damaged'],
      ['receipt', n('w2'), 2, 0, null],
      ['receipt', n('w1'), 7, 0, 'PO-1'],
    ]);
    expect(movements[2].idempotencyKey).toBe(`${n('r1')}:${n('w1')}:${n('a')}`);
  });

  it('refuses bad input and unknown ids without writing anything', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 1 }] });
    const before = await movementCount(h.knex, [n('a')]);
    expect(await codeOf(h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 0, key: n('k1') }))).toBe('INVALID_QUANTITY');
    expect(await codeOf(h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 2.5, key: n('k2') }))).toBe('INVALID_QUANTITY');
    expect(await codeOf(h.ledger.adjust({ warehouseId: n('w'), sku: n('a'), delta: 0, reason: 'x', key: n('k3') }))).toBe('INVALID_QUANTITY');
    expect(await codeOf(h.ledger.receive({ warehouseId: n('nowhere'), sku: n('a'), quantity: 1, key: n('k4') }))).toBe('UNKNOWN_WAREHOUSE');
    expect(await codeOf(h.ledger.receive({ warehouseId: n('w'), sku: n('nothing'), quantity: 1, key: n('k5') }))).toBe('UNKNOWN_SKU');
    expect(await codeOf(h.ledger.adjust({ warehouseId: n('w'), sku: n('nothing'), delta: 1, reason: 'x', key: n('k6') }))).toBe('UNKNOWN_SKU');
    expect(await movementCount(h.knex, [n('a')])).toBe(before);
    // A refused key was not consumed: the same key works once the request is valid.
    expect(await h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: 1, key: n('k1') })).toMatchObject({ onHand: 2 });
  });

  it('refuses an adjustment that would take on hand below reserved or below zero', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }, { sku: n('b') }], stock: [{ warehouseId: n('w'), sku: n('a'), quantity: 5 }] });
    await h.ledger.reserve(n('o1'), [{ sku: n('a'), quantity: 3 }], n('res'));
    const refused = h.ledger.adjust({ warehouseId: n('w'), sku: n('a'), delta: -3, reason: 'count', key: n('j1') });
    await expect(refused).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { onHand: 5, reserved: 3, sku: n('a') } });
    expect(await codeOf(h.ledger.adjust({ warehouseId: n('w'), sku: n('b'), delta: -1, reason: 'count', key: n('j2') }))).toBe('INSUFFICIENT_STOCK');
    expect(await balances(h.knex, [n('a'), n('b')])).toEqual([{ warehouse_id: n('w'), sku: n('a'), on_hand: 5, reserved: 3 }]);
    expect(await h.ledger.adjust({ warehouseId: n('w'), sku: n('a'), delta: -2, reason: 'count', key: n('j3') })).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });

  it('pages movements newest first with a cursor', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku: n('a') }] });
    for (let i = 1; i <= 5; i++) await h.ledger.receive({ warehouseId: n('w'), sku: n('a'), quantity: i, key: n(`r${i}`) });
    const first = await h.ledger.movements(n('a'), { limit: 2 });
    expect(first.movements.map((m) => m.onHandDelta)).toEqual([5, 4]);
    const second = await h.ledger.movements(n('a'), { limit: 2, before: first.next });
    expect(second.movements.map((m) => m.onHandDelta)).toEqual([3, 2]);
    const last = await h.ledger.movements(n('a'), { limit: 2, before: second.next });
    expect(last.movements.map((m) => m.onHandDelta)).toEqual([1]);
    expect(last.next).toBeUndefined();
    expect(await codeOf(h.ledger.movements(n('a'), { limit: 0 }))).toBe('INVALID_QUANTITY');
    expect(await codeOf(h.ledger.movements(n('a'), { before: 'abc' }))).toBe('INVALID_QUANTITY');
  });

  it('answers levels of an unknown SKU with undefined and of a stockless one with zeros', async () => {
    const n = namer();
    await givenStock(h.ledger, { warehouses: [], skus: [{ sku: n('a') }] });
    expect(await h.ledger.levels(n('missing'))).toBeUndefined();
    expect(await h.ledger.levels(n('a'))).toEqual({ sku: n('a'), onHand: 0, reserved: 0, available: 0, levels: [] });
    await expect(h.ledger.ping()).resolves.toBeUndefined();
  });
});
