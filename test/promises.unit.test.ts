/** The promise-date function (docs/design.md §15), pure: examples of the design and properties. */
import { promiseDates, type PromiseOrder, type PromiseSupply } from '../domain/promises';

const d1 = '2030-01-10T00:00:00.000Z';
const d2 = '2030-01-20T00:00:00.000Z';
const d3 = '2030-01-30T00:00:00.000Z';
const order = (orderId: string, waitingSince: string, backordered: PromiseOrder['backordered'], warehouses = ['A', 'B'], shipBy: string | null = null): PromiseOrder => ({
  orderId,
  waitingSince,
  shipBy,
  backordered,
  warehouses,
});
const po = (key: string, quantity: number, expectedAt: string | null, warehouseId = 'A'): PromiseSupply => ({ key, quantity, expectedAt, warehouseId });

describe('promiseDates', () => {
  it('an order waiting for 3 with POs of 2 (d1) and 1 (d2) is promised d2; the one behind it nothing', () => {
    const supply = new Map([['S', [po('p2', 1, d2), po('p1', 2, d1)]]]);
    const r = promiseDates([order('second', '2026-01-02T00:00:00Z', [{ sku: 'S', quantity: 1 }]), order('first', '2026-01-01T00:00:00Z', [{ sku: 'S', quantity: 3 }])], supply);
    expect(r).toEqual(new Map([['first', d2], ['second', null]]));
  });

  it('moving a date re-orders the supply and the promises follow', () => {
    const orders = [order('first', '2026-01-01T00:00:00Z', [{ sku: 'S', quantity: 2 }])];
    expect(promiseDates(orders, new Map([['S', [po('p1', 2, d1), po('p2', 2, d2)]]])).get('first')).toBe(d1);
    expect(promiseDates(orders, new Map([['S', [po('p1', 2, d3), po('p2', 2, d2)]]])).get('first')).toBe(d2);
  });

  it('only supply toward warehouses the order may draw from; ship-by first; every SKU must be covered; undated supply promises nothing', () => {
    const supply = new Map([
      ['S', [po('toB', 1, d1, 'B'), po('toA', 1, d2, 'A')]],
      ['T', [po('t', 1, null, 'A')]],
    ]);
    const onlyA = order('onlyA', '2026-01-01T00:00:00Z', [{ sku: 'S', quantity: 1 }], ['A']);
    const urgent = order('urgent', '2026-01-05T00:00:00Z', [{ sku: 'S', quantity: 1 }], ['A', 'B'], '2026-02-01T00:00:00Z');
    expect(promiseDates([onlyA, urgent], supply)).toEqual(new Map([['urgent', d1], ['onlyA', d2]]));
    expect(promiseDates([order('two', '2026-01-01T00:00:00Z', [{ sku: 'S', quantity: 1 }, { sku: 'T', quantity: 1 }])], supply).get('two')).toBeNull();
  });

  it('properties (seeded random cases): a promise is one of the supply dates; promised units never exceed the supply; later supply never breaks a promise', () => {
    // A seeded generator: fast-check is not a dependency of the project; failures name their seed.
    const rng = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const day = (n: number) => `2030-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;
    for (let seed = 1; seed <= 500; seed++) {
      const r01 = rng(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(r01() * (hi - lo + 1));
      const wh = () => (r01() < 0.5 ? 'A' : 'B');
      const entries = Array.from({ length: int(0, 8) }, (_, i) => po(`s${i}`, int(1, 5), day(int(1, 28)), wh()));
      const os = Array.from({ length: int(0, 6) }, (_, i) => {
        const ws = r01() < 0.3 ? [wh()] : ['A', 'B'];
        return order(`o${i}`, `2026-01-${String(int(1, 28)).padStart(2, '0')}T00:00:00Z`, [{ sku: 'S', quantity: int(1, 6) }], ws);
      });
      const r = promiseDates(os, new Map([['S', entries]]));
      const dates = new Set(entries.map((e) => e.expectedAt));
      let promisedUnits = 0;
      for (const o of os) {
        const p = r.get(o.orderId);
        expect(p === null || (p !== undefined && dates.has(p))).toBe(true);
        if (p) promisedUnits += o.backordered[0].quantity;
      }
      expect({ seed, over: promisedUnits > entries.reduce((n, e) => n + e.quantity, 0) }).toEqual({ seed, over: false });
      const more = promiseDates(os, new Map([['S', [...entries, po('zz', int(1, 5), '2031-01-01T00:00:00.000Z', wh())]]]));
      for (const o of os) if (r.get(o.orderId) !== null) expect({ seed, p: more.get(o.orderId) }).toEqual({ seed, p: r.get(o.orderId) });
    }
  });
});
