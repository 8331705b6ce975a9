import type { LedgerContext } from '../ledger/context';
import { LedgerError } from '../ledger/errors';
import { MAX_LINE_QUANTITY } from '../domain/limits';
import { mergeLines } from '../ledger/lines';
import { planRelease, planRestock } from '../ledger/order-ops';
import { demandAfterReserve, planHold, planReserve } from '../ledger/reserve';

function ctx(over: Partial<LedgerContext> = {}): LedgerContext {
  return {
    stored: null,
    order: null,
    demand: [],
    reservations: [],
    returned: [],
    knownSkus: ['A', 'B'],
    warehouse: null,
    hasActiveWarehouse: true,
    levels: [],
    ...over,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return undefined;
}

describe('ledger planning (pure)', () => {
  it('validates and merges order lines', () => {
    expect(mergeLines([{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }])).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 4 },
    ]);
    expect(codeOf(() => mergeLines([]))).toBe('INVALID_QUANTITY');
    expect(codeOf(() => mergeLines([{ sku: 'A', quantity: 0 }]))).toBe('INVALID_QUANTITY');
    expect(codeOf(() => mergeLines([{ sku: 'A', quantity: 1.5 }]))).toBe('INVALID_QUANTITY');
    expect(codeOf(() => mergeLines([{ sku: 'A', quantity: 6e8 }, { sku: 'A', quantity: 6e8 }]))).toBe('INVALID_QUANTITY');
    expect(codeOf(() => mergeLines([{ sku: 'A', quantity: MAX_LINE_QUANTITY }]))).toBeUndefined();
    expect(codeOf(() => mergeLines([{ sku: 'A', quantity: MAX_LINE_QUANTITY + 1 }]))).toBe('INVALID_QUANTITY');
  });

  it('refuses unknown SKUs and a ledger without active warehouses', () => {
    expect(codeOf(() => planReserve(ctx(), [{ sku: 'Z', quantity: 1 }]))).toBe('UNKNOWN_SKU');
    expect(codeOf(() => planReserve(ctx({ hasActiveWarehouse: false }), [{ sku: 'A', quantity: 1 }]))).toBe('NO_ACTIVE_WAREHOUSE');
  });

  it('adds a reserve to an open order and reopens a released one with what it shipped', () => {
    const held = { warehouseId: 'w1', sku: 'A', quantity: 1 };
    const open = ctx({ order: { version: 2, status: 'open' }, demand: [{ sku: 'A', quantity: 2 }] });
    expect(demandAfterReserve(open, [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }])).toEqual([
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 1 },
    ]);
    const released = ctx({
      order: { version: 3, status: 'released' },
      demand: [{ sku: 'A', quantity: 5 }],
      reservations: [{ ...held, status: 'shipped' }, { ...held, quantity: 4, status: 'released' }],
    });
    expect(demandAfterReserve(released, [{ sku: 'B', quantity: 2 }])).toEqual([
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
    ]);
  });

  it('reports the cumulative position and guards the backordered SKUs', () => {
    const plan = planHold(
      ctx({
        order: { version: 1, status: 'open' },
        reservations: [{ warehouseId: 'w1', sku: 'A', quantity: 2, status: 'held' }],
        levels: [{ warehouseId: 'w1', priority: 1, sku: 'A', available: 1 }],
      }),
      [{ sku: 'A', quantity: 5 }],
      false,
    );
    expect(plan.result).toEqual({ allocations: [{ warehouseId: 'w1', sku: 'A', quantity: 3 }], backordered: [{ sku: 'A', quantity: 2 }] });
    expect(plan.changes).toEqual([expect.objectContaining({ warehouseId: 'w1', sku: 'A', reservedDelta: 1, kind: 'reserve' })]);
    expect(plan.backorderedSkus).toEqual(['A']);
    expect(plan.demand).toBeUndefined();
  });

  it('a released order awaits nothing and holds nothing more', () => {
    const plan = planHold(
      ctx({ order: { version: 4, status: 'released' }, demand: [{ sku: 'A', quantity: 5 }], levels: [{ warehouseId: 'w1', priority: 1, sku: 'A', available: 9 }] }),
      [{ sku: 'A', quantity: 5 }],
      false,
    );
    expect(plan.result).toEqual({ allocations: [], backordered: [] });
    expect(plan.changes).toEqual([]);
    expect(plan.orderStatus).toBeUndefined();
  });

  it('releases every held unit and nothing else', () => {
    const plan = planRelease(
      ctx({
        reservations: [
          { warehouseId: 'w1', sku: 'A', quantity: 2, status: 'held' },
          { warehouseId: 'w2', sku: 'A', quantity: 1, status: 'shipped' },
        ],
      }),
    );
    expect(plan.result).toEqual({ released: [{ warehouseId: 'w1', sku: 'A', quantity: 2 }] });
    expect(plan.changes).toEqual([expect.objectContaining({ warehouseId: 'w1', reservedDelta: -2, onHandDelta: 0, kind: 'release' })]);
  });

  it('restocks no more than was shipped and not yet returned', () => {
    const shipped = ctx({
      order: { version: 5, status: 'open' },
      reservations: [
        { warehouseId: 'w2', sku: 'A', quantity: 2, status: 'shipped' },
        { warehouseId: 'w1', sku: 'A', quantity: 3, status: 'shipped' },
      ],
      returned: [{ warehouseId: 'w1', sku: 'A', quantity: 1 }],
    });
    expect(planRestock(shipped, [{ sku: 'A', quantity: 3 }]).result).toEqual({
      restocked: [
        { warehouseId: 'w1', sku: 'A', quantity: 2 },
        { warehouseId: 'w2', sku: 'A', quantity: 1 },
      ],
    });
    expect(codeOf(() => planRestock(shipped, [{ sku: 'A', quantity: 5 }]))).toBe('INVALID_QUANTITY');
    expect(codeOf(() => planRestock(shipped, [{ sku: 'Z', quantity: 1 }]))).toBe('UNKNOWN_SKU');
  });
});
