/** Property tests of sourcing (docs/design.md §17) over random small snapshots. */
import fc from 'fast-check';
import { allocate } from '../ledger/allocate';
import { source, type SourcingRule, type SourcingWarehouse } from '../ledger/sourcing';
import type { OrderLine } from '../ledger/types';

const SKUS = ['S1', 'S2', 'S3', 'S4'];
const IDS = ['A', 'B', 'C', 'D', 'E'];

const warehouseArb = (id: string) =>
  fc.record({
    priority: fc.integer({ min: 1, max: 4 }),
    active: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
    countries: fc.subarray(['DE', 'GB', 'FR']),
    capacity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    opened: fc.integer({ min: 0, max: 2 }),
    stock: fc.tuple(...SKUS.map(() => fc.integer({ min: 0, max: 3 }))),
  }).map(
    (r): SourcingWarehouse => ({
      warehouseId: id,
      priority: r.priority,
      active: r.active,
      countries: r.countries,
      dailyCapacity: r.capacity,
      openedToday: r.opened,
      available: new Map(SKUS.map((s, i) => [s, r.stock[i]] as [string, number]).filter(([, q]) => q > 0)),
    }),
  );

const snapshotArb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...IDS.slice(0, n).map(warehouseArb)));
const linesArb = fc
  .subarray(SKUS, { minLength: 1 })
  .chain((skus) => fc.tuple(...skus.map((sku) => fc.integer({ min: 1, max: 4 }).map((quantity): OrderLine => ({ sku, quantity })))));
const ruleArb: fc.Arbitrary<SourcingRule> = fc.record(
  {
    strategy: fc.constantFrom('priority' as const, 'nearest' as const, 'fewest_parcels' as const),
    maxParcels: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: ['strategy'] },
);
const orderArb = fc.record({
  lines: linesArb,
  country: fc.constantFrom('DE', 'GB', 'FR', 'US'),
  exclude: fc.subarray(IDS),
});

const sumBy = <T>(xs: readonly T[], key: (x: T) => string, q: (x: T) => number) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + q(x));
  return m;
};

function subsets<T>(xs: readonly T[]): T[][] {
  return xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
}

describe('source (property)', () => {
  it('never takes more than available, respects maxParcels and exclusions, and accounts for every unit', () => {
    fc.assert(
      fc.property(snapshotArb, orderArb, ruleArb, (warehouses, order, rule) => {
        const plan = source(order, rule, warehouses);
        const byId = new Map(warehouses.map((w) => [w.warehouseId, w]));
        for (const a of plan.allocations) {
          const w = byId.get(a.warehouseId)!;
          expect(w.active).toBe(true);
          expect(order.exclude).not.toContain(a.warehouseId);
          expect(a.quantity).toBeGreaterThan(0);
        }
        for (const [key, q] of sumBy(plan.allocations, (a) => `${a.warehouseId}/${a.sku}`, (a) => a.quantity)) {
          const [id, sku] = key.split('/');
          expect(q).toBeLessThanOrEqual(byId.get(id)!.available.get(sku) ?? 0);
        }
        const used = new Set(plan.allocations.map((a) => a.warehouseId));
        if (rule.maxParcels !== undefined) expect(used.size).toBeLessThanOrEqual(rule.maxParcels);
        const held = sumBy(plan.allocations, (a) => a.sku, (a) => a.quantity);
        const back = sumBy(plan.backordered, (b) => b.sku, (b) => b.quantity);
        for (const l of order.lines) expect((held.get(l.sku) ?? 0) + (back.get(l.sku) ?? 0)).toBe(l.quantity);
        expect(plan.decisions.map((d) => d.warehouseId).sort()).toEqual(warehouses.map((w) => w.warehouseId).sort());
      }),
      { numRuns: 500 },
    );
  });

  it('fewest_parcels uses the fewest warehouses that can fill the order (brute force)', () => {
    fc.assert(
      fc.property(snapshotArb, orderArb, (snapshot, order) => {
        // Without capacity limits: "smallest set" is then well defined against every subset.
        const warehouses = snapshot.map((w) => ({ ...w, dailyCapacity: undefined }));
        const plan = source(order, { strategy: 'fewest_parcels' }, warehouses);
        const usable = warehouses.filter((w) => w.active && !order.exclude.includes(w.warehouseId));
        const fills = (set: SourcingWarehouse[]) => order.lines.every((l) => set.reduce((n, w) => n + (w.available.get(l.sku) ?? 0), 0) >= l.quantity);
        const filling = subsets(usable).filter(fills);
        if (filling.length === 0) return;
        const fewest = Math.min(...filling.map((s) => s.length));
        expect(plan.backordered).toEqual([]);
        expect(new Set(plan.allocations.map((a) => a.warehouseId)).size).toBe(fewest);
      }),
      { numRuns: 500 },
    );
  });

  it('priority without limits is exactly today\'s allocation (§4)', () => {
    fc.assert(
      fc.property(snapshotArb, orderArb, (snapshot, order) => {
        const warehouses = snapshot.map((w) => ({ ...w, dailyCapacity: undefined }));
        const plan = source({ lines: order.lines }, { strategy: 'priority' }, warehouses);
        const today = allocate(order.lines, warehouses);
        expect(plan.allocations).toEqual([...today.allocations].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.warehouseId < b.warehouseId ? -1 : 1)));
        expect(plan.backordered).toEqual(today.backordered);
      }),
      { numRuns: 500 },
    );
  });
});
