import { capByQueue, claimedAhead, type Waiter } from '../ledger/waiting';
import type { SourcingWarehouse } from '../ledger/sourcing';

const w = (orderId: string, shipBy: string | null, waitingSince: string, need: number, sku = 'S'): Waiter => ({ orderId, shipBy, waitingSince, need, sku });
const wh = (id: string, stock: Record<string, number>): SourcingWarehouse => ({ warehouseId: id, priority: 1, active: true, available: new Map(Object.entries(stock)) });

describe('the queue for scarce stock (pure, docs/design.md §17)', () => {
  const queue = [
    w('three-days', '2030-01-04T00:00:00Z', '2030-01-01T00:00:01Z', 2),
    w('none', null, '2030-01-01T00:00:02Z', 5),
    w('one-day', '2030-01-02T00:00:00Z', '2030-01-01T00:00:03Z', 1),
  ];

  it('counts what the orders ahead still need: earliest ship-by first, none after, then waiting since', () => {
    const mine = (orderId: string, shipBy: string | null) => claimedAhead({ orderId, shipBy, now: '2030-01-01T00:00:09Z' }, queue).get('S') ?? 0;
    expect(mine('one-day', '2030-01-02T00:00:00Z')).toBe(0);
    expect(mine('three-days', '2030-01-04T00:00:00Z')).toBe(1);
    expect(mine('none', null)).toBe(3);
    // A new order without ship-by queues behind every waiter; one due sooner than all goes first.
    expect(mine('new', null)).toBe(8);
    expect(mine('urgent', '2030-01-01T12:00:00Z')).toBe(0);
  });

  it('an order takes only what is left beyond the units claimed ahead, the rest waits', () => {
    const stock = [wh('A', { S: 2 }), wh('B', { S: 1 }), wh('X', { S: 9 })];
    expect(capByQueue([{ sku: 'S', quantity: 4 }], stock, ['X'], new Map([['S', 1]]))).toEqual({
      mayHold: [{ sku: 'S', quantity: 2 }],
      queued: [{ sku: 'S', quantity: 2 }],
    });
    expect(capByQueue([{ sku: 'S', quantity: 1 }, { sku: 'T', quantity: 1 }], stock, [], new Map([['S', 20]]))).toEqual({
      mayHold: [],
      queued: [{ sku: 'S', quantity: 1 }, { sku: 'T', quantity: 1 }],
    });
  });
});
