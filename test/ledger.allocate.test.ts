import { allocate, rankWarehouses } from '../ledger/allocate';
import type { WarehouseStock } from '../ledger/allocate';

function wh(id: string, priority: number, stock: Record<string, number>, active = true): WarehouseStock {
  return { warehouseId: id, priority, active, available: new Map(Object.entries(stock)) };
}

describe('allocate (pure)', () => {
  it('fills the whole order from the single highest-priority warehouse that can', () => {
    const plan = allocate(
      [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 2 }],
      [wh('w1', 1, { A: 5 }), wh('w2', 2, { A: 5, B: 5 }), wh('w3', 3, { A: 9, B: 9 })],
    );
    expect(plan).toEqual({
      mode: 'single',
      allocations: [
        { warehouseId: 'w2', sku: 'A', quantity: 2 },
        { warehouseId: 'w2', sku: 'B', quantity: 2 },
      ],
      backordered: [],
    });
  });

  it('treats a lower priority number as higher priority and breaks ties by id', () => {
    const both = [wh('wb', 5, { A: 3 }), wh('wa', 5, { A: 3 }), wh('wz', 10, { A: 3 })];
    expect(allocate([{ sku: 'A', quantity: 1 }], both).allocations).toEqual([{ warehouseId: 'wa', sku: 'A', quantity: 1 }]);
    expect(rankWarehouses(both).map((w) => w.warehouseId)).toEqual(['wa', 'wb', 'wz']);
  });

  it('splits each SKU across warehouses in priority order when no one warehouse can fill it', () => {
    const plan = allocate(
      [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 3 }],
      [wh('w2', 2, { B: 5 }), wh('w1', 1, { A: 3, B: 1 })],
    );
    expect(plan.mode).toBe('split');
    expect(plan.allocations).toEqual([
      { warehouseId: 'w1', sku: 'A', quantity: 3 },
      { warehouseId: 'w1', sku: 'B', quantity: 1 },
      { warehouseId: 'w2', sku: 'B', quantity: 2 },
    ]);
    expect(plan.backordered).toEqual([]);
  });

  it('backorders what nobody has and still holds the rest', () => {
    const plan = allocate([{ sku: 'A', quantity: 10 }, { sku: 'C', quantity: 1 }], [wh('w1', 1, { A: 4 }), wh('w2', 2, { A: 3 })]);
    expect(plan.allocations).toEqual([
      { warehouseId: 'w1', sku: 'A', quantity: 4 },
      { warehouseId: 'w2', sku: 'A', quantity: 3 },
    ]);
    expect(plan.backordered).toEqual([
      { sku: 'A', quantity: 3 },
      { sku: 'C', quantity: 1 },
    ]);
  });

  it('skips inactive warehouses even when they would fill the order', () => {
    const plan = allocate([{ sku: 'A', quantity: 2 }], [wh('w1', 1, { A: 10 }, false), wh('w2', 2, { A: 1 })]);
    expect(plan.allocations).toEqual([{ warehouseId: 'w2', sku: 'A', quantity: 1 }]);
    expect(plan.backordered).toEqual([{ sku: 'A', quantity: 1 }]);
  });

  it('merges duplicate lines, ignores empty demand and non-positive availability', () => {
    expect(allocate([], [wh('w1', 1, { A: 1 })])).toEqual({ mode: 'empty', allocations: [], backordered: [] });
    const plan = allocate(
      [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 2 }],
      [wh('w1', 1, { A: -4 }), wh('w2', 2, { A: 3 })],
    );
    expect(plan).toEqual({ mode: 'single', allocations: [{ warehouseId: 'w2', sku: 'A', quantity: 3 }], backordered: [] });
  });

  it('backorders everything when there is no active warehouse', () => {
    expect(allocate([{ sku: 'A', quantity: 2 }], [])).toEqual({ mode: 'split', allocations: [], backordered: [{ sku: 'A', quantity: 2 }] });
  });
});
