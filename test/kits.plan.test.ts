/**
 * Kit allocation and availability as pure functions (docs/design.md §18): whole kit units from
 * one warehouse each, never more than a warehouse has, the rest backordered whole.
 */
import fc from 'fast-check';
import { expandKits, kitAvailable, kitLevels, kitLinesIn, partialKitHolds, sharedComponents } from '../domain/kit';
import { allocateWithKits } from '../ledger/kit-plan';
import type { WarehouseStock } from '../ledger/allocate';

const KIT = { kit: 'K', units: 0, components: [{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }] };

describe('kits (pure)', () => {
  it('the done-when figures: availability 3; 2 kits at A; 2 more → one at A, one backordered whole', () => {
    const free = new Map([['A', new Map([['c1', 10], ['c2', 3]])], ['B', new Map([['c2', 4]])]]);
    expect(kitAvailable(KIT.components, free)).toBe(3);
    const stock: WarehouseStock[] = [
      { warehouseId: 'A', priority: 1, active: true, available: new Map([['c1', 6], ['c2', 1]]) },
      { warehouseId: 'B', priority: 2, active: true, available: new Map([['c2', 4]]) },
    ];
    const plan = allocateWithKits([{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }], stock, [{ ...KIT, units: 2 }]);
    expect(plan.allocations).toEqual([{ warehouseId: 'A', sku: 'c1', quantity: 2 }, { warehouseId: 'A', sku: 'c2', quantity: 1 }]);
    expect(plan.backordered).toEqual([{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }]);
    expect(plan.kitBackordered.sort()).toEqual(['c1', 'c2']);
  });

  it('property: every warehouse gets whole kit units within its stock; held + backordered = demand', () => {
    const warehouse = fc.record({ c1: fc.nat(12), c2: fc.nat(6), p: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(warehouse, { maxLength: 4 }), fc.integer({ min: 1, max: 8 }), (ws, units) => {
        const stock: WarehouseStock[] = ws.map((w, i) => ({ warehouseId: `w${i}`, priority: w.p, active: true, available: new Map([['c1', w.c1], ['c2', w.c2]]) }));
        const plan = allocateWithKits(expandKits([{ sku: 'K', quantity: units }], { K: KIT.components }), stock, [{ ...KIT, units }]);
        let heldUnits = 0;
        for (const [i, w] of ws.entries()) {
          const at = (sku: string) => plan.allocations.find((a) => a.warehouseId === `w${i}` && a.sku === sku)?.quantity ?? 0;
          expect(at('c1')).toBe(2 * at('c2'));
          expect(at('c1')).toBeLessThanOrEqual(w.c1);
          expect(at('c2')).toBeLessThanOrEqual(w.c2);
          heldUnits += at('c2');
        }
        const back = (sku: string) => plan.backordered.find((b) => b.sku === sku)?.quantity ?? 0;
        expect(back('c1')).toBe(2 * back('c2'));
        expect(heldUnits + back('c2')).toBe(units);
        const free = new Map(ws.map((w, i) => [`w${i}`, new Map([['c1', w.c1], ['c2', w.c2]])]));
        expect(heldUnits).toBe(Math.min(units, kitAvailable(KIT.components, free)));
      }),
      { numRuns: 300 },
    );
  });

  it('levels, request lines, expansion and shared components', () => {
    const levels = new Map([
      ['c1', [{ warehouseId: 'A', onHand: 10, reserved: 4, available: 6 }]],
      ['c2', [{ warehouseId: 'A', onHand: 3, reserved: 2, available: 1 }, { warehouseId: 'B', onHand: 4, reserved: 0, available: 4 }]],
    ]);
    expect(kitLevels(KIT.components, levels)).toEqual({
      onHand: 3,
      reserved: 2,
      available: 1,
      levels: [{ warehouseId: 'A', onHand: 3, reserved: 2, available: 1 }, { warehouseId: 'B', onHand: 0, reserved: 0, available: 0 }],
    });
    expect(kitLinesIn([{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }, { sku: 'x', quantity: 1 }], { K: KIT.components })).toEqual([
      { sku: 'K', quantity: 2, components: [{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }] },
    ]);
    expect(expandKits([{ sku: 'K', quantity: 2 }, { sku: 'x', quantity: 1 }], { K: KIT.components })).toEqual([
      { sku: 'c1', quantity: 4 },
      { sku: 'c2', quantity: 2 },
      { sku: 'x', quantity: 1 },
    ]);
    expect(sharedComponents([{ sku: 'K' }, { sku: 'c2' }], { K: KIT.components })).toEqual(['c2']);
    expect(sharedComponents([{ sku: 'K' }, { sku: 'K' }], { K: KIT.components })).toEqual(['c1', 'c2']);
    // A plain SKU on two plain lines is not shared with a kit (fault run 6 sends such orders).
    expect(sharedComponents([{ sku: 'x' }, { sku: 'c1' }, { sku: 'x' }], {})).toEqual([]);
    expect(sharedComponents([{ sku: 'x' }, { sku: 'K' }, { sku: 'x' }], { K: KIT.components })).toEqual([]);
    // 3 C1 + 2 C2 at A make 1 whole kit: 1 C1 and 1 C2 are half a kit; B's 4 + 2 are two kits.
    const held = [
      { warehouseId: 'A', sku: 'c1', quantity: 3 },
      { warehouseId: 'A', sku: 'c2', quantity: 2 },
      { warehouseId: 'B', sku: 'c1', quantity: 4 },
      { warehouseId: 'B', sku: 'c2', quantity: 2 },
    ];
    expect(partialKitHolds(held, [KIT])).toEqual([
      { warehouseId: 'A', sku: 'c1', quantity: 1 },
      { warehouseId: 'A', sku: 'c2', quantity: 1 },
    ]);
  });
});
