/**
 * Kits in the sourcing plan (docs/design.md §18 with §17): whatever the rule, every kit unit's
 * components come from one warehouse, a unit none can make is backordered whole, and the
 * sourcing rules (availability, exclusions, maxParcels, daily capacity) still hold.
 */
import fc from 'fast-check';
import type { KitDemand } from '../domain/kit';
import { source, type SourcingRule, type SourcingWarehouse } from '../ledger/sourcing';

const IDS = ['A', 'B', 'C', 'D'];
const KIT: KitDemand = { kit: 'K', units: 0, components: [{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }] };

const wh = (warehouseId: string, priority: number, stock: Record<string, number>, extra: Partial<SourcingWarehouse> = {}): SourcingWarehouse => ({
  warehouseId,
  priority,
  active: true,
  available: new Map(Object.entries(stock)),
  ...extra,
});

/** Units of `kit` each warehouse holds: undefined when a warehouse holds half a kit. */
function unitsAt(allocations: Array<{ warehouseId: string; sku: string; quantity: number }>, kit: KitDemand): Map<string, number> | undefined {
  const out = new Map<string, number>();
  for (const id of new Set(allocations.map((a) => a.warehouseId))) {
    const per = kit.components.map((c) => allocations.filter((a) => a.warehouseId === id && a.sku === c.sku).reduce((n, a) => n + a.quantity, 0) / c.quantity);
    if (per.some((u) => u !== per[0] || !Number.isInteger(u))) return undefined;
    if (per[0] > 0) out.set(id, per[0]);
  }
  return out;
}

describe('source with kits', () => {
  it('the done-when figures under every rule: 2 kits at A; 2 more → one at A, one backordered whole (C2 at B unused)', () => {
    for (const strategy of ['priority', 'nearest', 'fewest_parcels'] as const) {
      const first = source({ lines: [{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }], kits: [{ ...KIT, units: 2 }] }, { strategy }, [
        wh('A', 1, { c1: 10, c2: 3 }),
        wh('B', 2, { c2: 4 }),
      ]);
      expect(first.allocations).toEqual([{ warehouseId: 'A', sku: 'c1', quantity: 4 }, { warehouseId: 'A', sku: 'c2', quantity: 2 }]);
      expect(first.backordered).toEqual([]);
      const second = source({ lines: [{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }], kits: [{ ...KIT, units: 2 }] }, { strategy }, [
        wh('A', 1, { c1: 6, c2: 1 }),
        wh('B', 2, { c2: 4 }),
      ]);
      expect(second.allocations).toEqual([{ warehouseId: 'A', sku: 'c1', quantity: 2 }, { warehouseId: 'A', sku: 'c2', quantity: 1 }]);
      expect(second.backordered).toEqual([{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }]);
    }
  });

  it('the rule places kit units: nearest looks at the ship-to country first; a full warehouse only for a unit no other can make', () => {
    const ws = [wh('A', 1, { c1: 2, c2: 1 }), wh('B', 2, { c1: 2, c2: 1 }, { countries: ['FR'] })];
    expect(source({ lines: [{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }], kits: [{ ...KIT, units: 1 }], country: 'FR' }, { strategy: 'nearest' }, ws).opened).toEqual(['B']);
    expect(source({ lines: [{ sku: 'c1', quantity: 2 }, { sku: 'c2', quantity: 1 }], kits: [{ ...KIT, units: 1 }], country: 'FR' }, { strategy: 'priority' }, ws).opened).toEqual(['A']);
    const fullA = [wh('A', 1, { c1: 4, c2: 2 }, { dailyCapacity: 1, openedToday: 1 }), wh('B', 2, { c1: 2, c2: 1 })];
    const plan = source({ lines: [{ sku: 'c1', quantity: 4 }, { sku: 'c2', quantity: 2 }], kits: [{ ...KIT, units: 2 }] }, { strategy: 'priority' }, fullA);
    expect(unitsAt(plan.allocations, KIT)).toEqual(new Map([['B', 1], ['A', 1]]));
    expect(plan.decisions.find((d) => d.warehouseId === 'A')?.reason).toMatch(/daily capacity/);
  });

  it('property: whole kit units at each warehouse within its stock, exclusions and maxParcels; held + backordered = demand', () => {
    const warehouse = fc.record({ c1: fc.nat(8), c2: fc.nat(4), s: fc.nat(3), p: fc.integer({ min: 1, max: 3 }), full: fc.boolean(), active: fc.nat(9).map((n) => n < 8) });
    const rule: fc.Arbitrary<SourcingRule> = fc.record(
      { strategy: fc.constantFrom('priority' as const, 'nearest' as const, 'fewest_parcels' as const), maxParcels: fc.integer({ min: 1, max: 3 }) },
      { requiredKeys: ['strategy'] },
    );
    fc.assert(
      fc.property(
        fc.array(warehouse, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(4),
        rule,
        fc.subarray(IDS),
        (raw, units, plain, r, exclude) => {
          const ws = raw.map((w, i) =>
            wh(IDS[i], w.p, { c1: w.c1, c2: w.c2, s: w.s }, { active: w.active, countries: i % 2 ? ['FR'] : [], ...(w.full ? { dailyCapacity: 1, openedToday: 1 } : {}) }),
          );
          const kit = { ...KIT, units };
          const lines = [{ sku: 'c1', quantity: 2 * units }, { sku: 'c2', quantity: units }, ...(plain > 0 ? [{ sku: 's', quantity: plain }] : [])];
          const plan = source({ lines, kits: [kit], country: 'FR', exclude }, r, ws);

          const kitAllocs = plan.allocations.filter((a) => a.sku !== 's');
          const perWarehouse = unitsAt(kitAllocs, kit);
          expect(perWarehouse).toBeDefined();
          const held = [...perWarehouse!.values()].reduce((n, u) => n + u, 0);
          const back = (sku: string) => plan.backordered.find((b) => b.sku === sku)?.quantity ?? 0;
          expect(back('c1')).toBe(2 * (units - held));
          expect(back('c2')).toBe(units - held);
          expect(plan.allocations.filter((a) => a.sku === 's').reduce((n, a) => n + a.quantity, 0) + back('s')).toBe(plain);
          for (const a of plan.allocations) {
            const w = ws.find((x) => x.warehouseId === a.warehouseId)!;
            expect(w.active && !exclude.includes(a.warehouseId)).toBe(true);
          }
          for (const w of ws) {
            for (const sku of ['c1', 'c2', 's']) {
              const taken = plan.allocations.filter((a) => a.warehouseId === w.warehouseId && a.sku === sku).reduce((n, a) => n + a.quantity, 0);
              expect(taken).toBeLessThanOrEqual(w.available.get(sku) ?? 0);
            }
          }
          if (r.maxParcels !== undefined) expect(new Set(plan.allocations.map((a) => a.warehouseId)).size).toBeLessThanOrEqual(r.maxParcels);
          // A kit unit left unplaced: no usable warehouse could make one more, within maxParcels.
          if (held < units) {
            const used = new Set(plan.allocations.map((a) => a.warehouseId));
            for (const w of ws.filter((x) => x.active && !exclude.includes(x.warehouseId))) {
              if (r.maxParcels !== undefined && !used.has(w.warehouseId) && used.size >= r.maxParcels) continue;
              const c1 = (w.available.get('c1') ?? 0) - kitAllocs.filter((a) => a.warehouseId === w.warehouseId && a.sku === 'c1').reduce((n, a) => n + a.quantity, 0);
              const c2 = (w.available.get('c2') ?? 0) - kitAllocs.filter((a) => a.warehouseId === w.warehouseId && a.sku === 'c2').reduce((n, a) => n + a.quantity, 0);
              expect(Math.min(Math.floor(c1 / 2), c2)).toBe(0);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
