import { requestHash } from '../ledger/idempotency';
import type { ApplyPlan } from '../ledger/store';
import { runWrite } from '../ledger/write';
import { balances, givenStock, ledgerHarness, namer } from './ledger.fixtures';

describe('ledger write runner', () => {
  const h = ledgerHarness();
  afterAll(() => h.close());

  it('plans again after stale plans and falls back to locked reads', async () => {
    const n = namer();
    const sku = n('a');
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku }], stock: [{ warehouseId: n('w'), sku, quantity: 3 }] });
    const orderId = n('o1');
    const plans: number[] = [];
    // The first five plans ask for more than is there, as a plan made from a stale read
    // would; the guard in ledger_apply rejects each, and the sixth (a locked attempt) fits.
    const result = await runWrite<{ held: number }>(h.knex, { op: 'test', key: n('k'), hash: requestHash('test', {}), orderId, skus: [sku] }, (ctx): ApplyPlan => {
      const quantity = plans.length < 5 ? 4 : 2;
      plans.push(ctx.levels.find((l) => l.sku === sku)?.available ?? -1);
      return {
        orderStatus: 'open',
        demand: [{ sku, quantity }],
        changes: [{ warehouseId: n('w'), sku, kind: 'reserve', onHandDelta: 0, reservedDelta: quantity, onFail: 'stale' }],
        transitions: [{ warehouseId: n('w'), sku, from: null, to: 'held', quantity }],
        result: { held: quantity },
      };
    });
    expect(result).toEqual({ held: 2 });
    expect(plans).toEqual([3, 3, 3, 3, 3, 3]);
    expect(await balances(h.knex, [sku])).toEqual([{ warehouse_id: n('w'), sku, on_hand: 3, reserved: 2 }]);
    expect(await h.ledger.reconcile(undefined, { skus: [sku] })).toEqual({ ok: true, problems: [] });
  });

  it('gives up with the stale error when a plan never fits', async () => {
    const n = namer();
    const sku = n('a');
    await givenStock(h.ledger, { warehouses: [{ id: n('w') }], skus: [{ sku }], stock: [{ warehouseId: n('w'), sku, quantity: 1 }] });
    const write = runWrite(h.knex, { op: 'test', key: n('k'), hash: 'h', orderId: n('o') }, () => ({
      orderStatus: 'open',
      changes: [{ warehouseId: n('w'), sku, kind: 'reserve', onHandDelta: 0, reservedDelta: 5, onFail: 'stale' }],
      transitions: [{ warehouseId: n('w'), sku, from: null, to: 'held', quantity: 5 }],
      result: {},
    }));
    await expect(write).rejects.toMatchObject({ code: 'LDG01' });
    expect(await balances(h.knex, [sku])).toEqual([{ warehouse_id: n('w'), sku, on_hand: 1, reserved: 0 }]);
  });
});
