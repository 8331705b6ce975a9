import { source, type SourcingWarehouse } from '../ledger/sourcing';

function wh(id: string, priority: number, stock: Record<string, number>, extra: Partial<SourcingWarehouse> = {}): SourcingWarehouse {
  return { warehouseId: id, priority, active: true, available: new Map(Object.entries(stock)), ...extra };
}
const at = (plan: ReturnType<typeof source>) => [...new Set(plan.allocations.map((a) => a.warehouseId))].sort();
const reasonOf = (plan: ReturnType<typeof source>, id: string) => plan.decisions.find((d) => d.warehouseId === id)?.reason ?? '';

describe('source (pure): docs/design.md §17', () => {
  const A = wh('A', 1, { S: 5 }, { countries: ['DE'] });
  const B = wh('B', 2, { S: 5 }, { countries: ['GB'] });

  it('priority: the highest-priority warehouse that holds the whole order', () => {
    const plan = source({ lines: [{ sku: 'S', quantity: 1 }], country: 'GB' }, { strategy: 'priority' }, [B, A]);
    expect(plan.allocations).toEqual([{ warehouseId: 'A', sku: 'S', quantity: 1 }]);
    expect(reasonOf(plan, 'A')).toMatch(/whole order/);
    expect(reasonOf(plan, 'B')).toMatch(/not needed/);
  });

  it('nearest: a warehouse shipping to the country comes first, and the decisions say so', () => {
    const plan = source({ lines: [{ sku: 'S', quantity: 1 }], country: 'GB' }, { strategy: 'nearest' }, [A, B]);
    expect(plan.allocations).toEqual([{ warehouseId: 'B', sku: 'S', quantity: 1 }]);
    expect(reasonOf(plan, 'B')).toMatch(/ships to GB/);
    expect(reasonOf(plan, 'A')).toMatch(/does not ship to GB/);
    expect(plan.opened).toEqual(['B']);
  });

  it('nearest: with no warehouse in the country it falls back to priority', () => {
    const plan = source({ lines: [{ sku: 'S', quantity: 1 }], country: 'FR' }, { strategy: 'nearest' }, [A, B]);
    expect(at(plan)).toEqual(['A']);
  });

  const threeWay = [wh('A', 1, { S1: 1 }), wh('B', 2, { S2: 1 }), wh('C', 3, { S2: 1, S3: 1 })];
  const s123 = [{ sku: 'S1', quantity: 1 }, { sku: 'S2', quantity: 1 }, { sku: 'S3', quantity: 1 }];

  it('fewest_parcels: A + C where priority makes A + B + C', () => {
    expect(at(source({ lines: s123 }, { strategy: 'priority' }, threeWay))).toEqual(['A', 'B', 'C']);
    const plan = source({ lines: s123 }, { strategy: 'fewest_parcels' }, threeWay);
    expect(at(plan)).toEqual(['A', 'C']);
    expect(plan.backordered).toEqual([]);
    expect(reasonOf(plan, 'B')).toMatch(/fewer parcels/);
  });

  it('fewest_parcels: ties go to the higher priority', () => {
    const plan = source({ lines: [{ sku: 'S', quantity: 2 }] }, { strategy: 'fewest_parcels' }, [wh('Z', 5, { S: 2 }), wh('Y', 3, { S: 2 }), wh('X', 4, { S: 2 })]);
    expect(at(plan)).toEqual(['Y']);
  });

  it('maxParcels 1: one warehouse, the rest backordered', () => {
    for (const strategy of ['priority', 'nearest', 'fewest_parcels'] as const) {
      const plan = source({ lines: s123 }, { strategy, maxParcels: 1 }, threeWay);
      expect(at(plan)).toHaveLength(1);
      const held = plan.allocations.reduce((n, a) => n + a.quantity, 0);
      const back = plan.backordered.reduce((n, a) => n + a.quantity, 0);
      expect(held + back).toBe(3);
      expect(back).toBeGreaterThan(0);
    }
    const plan = source({ lines: s123 }, { strategy: 'fewest_parcels', maxParcels: 1 }, threeWay);
    expect(at(plan)).toEqual(['C']); // two units in one parcel beat one
    expect(reasonOf(plan, 'A')).toMatch(/at most 1 parcel/);
  });

  it('maxParcels counts the warehouses already holding the order', () => {
    const plan = source({ lines: [{ sku: 'S2', quantity: 1 }], usedBy: ['A'] }, { strategy: 'priority', maxParcels: 1 }, threeWay);
    expect(plan.allocations).toEqual([]);
    expect(plan.backordered).toEqual([{ sku: 'S2', quantity: 1 }]);
  });

  it('dailyCapacity: a warehouse that opened its capacity today is passed over while another can fill', () => {
    const fullA = wh('A', 1, { S: 5 }, { dailyCapacity: 1, openedToday: 1 });
    const plan = source({ lines: [{ sku: 'S', quantity: 2 }] }, { strategy: 'priority' }, [fullA, wh('B', 2, { S: 5 })]);
    expect(at(plan)).toEqual(['B']);
    expect(reasonOf(plan, 'A')).toMatch(/daily capacity \(1 of 1/);
  });

  it('dailyCapacity: the full warehouse still takes units no other can fill', () => {
    const fullA = wh('A', 1, { S: 5 }, { dailyCapacity: 1, openedToday: 1 });
    const plan = source({ lines: [{ sku: 'S', quantity: 4 }] }, { strategy: 'priority' }, [fullA, wh('B', 2, { S: 3 })]);
    expect(plan.allocations).toEqual([
      { warehouseId: 'A', sku: 'S', quantity: 1 },
      { warehouseId: 'B', sku: 'S', quantity: 3 },
    ]);
    expect(reasonOf(plan, 'A')).toMatch(/no other warehouse could fill 1 × S/);
  });

  it('dailyCapacity: a full warehouse that already holds the order opens nothing new and is used', () => {
    const fullA = wh('A', 1, { S: 5 }, { dailyCapacity: 1, openedToday: 1 });
    const plan = source({ lines: [{ sku: 'S', quantity: 1 }], usedBy: ['A'] }, { strategy: 'priority' }, [fullA, wh('B', 2, { S: 3 })]);
    expect(at(plan)).toEqual(['A']);
    expect(plan.opened).toEqual([]);
  });

  it('never uses an excluded (rejecting) or inactive warehouse', () => {
    const plan = source({ lines: [{ sku: 'S', quantity: 3 }], exclude: ['A'] }, { strategy: 'priority' }, [A, wh('B', 2, { S: 5 }, { active: false }), wh('C', 3, { S: 1 })]);
    expect(plan.allocations).toEqual([{ warehouseId: 'C', sku: 'S', quantity: 1 }]);
    expect(plan.backordered).toEqual([{ sku: 'S', quantity: 2 }]);
    expect(reasonOf(plan, 'A')).toMatch(/rejected a fulfillment/);
    expect(reasonOf(plan, 'B')).toMatch(/inactive/);
  });
});
