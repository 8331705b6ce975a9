/**
 * The reconciliation's stock-in-motion invariants (docs/design.md §15) on the records layer
 * directly: clean after a PO receipt and a transfer's whole life, and each invariant catches
 * the damage it is about (a record that disagrees with its movements, a transfer holding
 * units after it shipped, a unit that vanished from conservation).
 */
import { createPurchaseOrderRecords, createTransferRecords } from '../orders';
import type { PurchaseOrderView } from '../domain/purchase-orders';
import type { TransferView } from '../domain/transfers';
import { givenStock, ledgerHarness, namer } from './ledger.fixtures';

const h = ledgerHarness();
afterAll(() => h.close());
const secret = 'test-cursor-secret-0123456789';

const kinds = async (sku: string) => (await h.ledger.reconcile(undefined, { skus: [sku] })).problems.map((p) => p.kind).sort();

describe('reconciliation: stock in motion', () => {
  it('clean after a PO receipt and a shipped, partly received transfer; each invariant catches its damage', async () => {
    const n = namer();
    const [a, b, sku] = [n('A'), n('B'), n('S')];
    await givenStock(h.ledger, { warehouses: [{ id: a }, { id: b }], skus: [{ sku }], stock: [{ warehouseId: a, sku, quantity: 10 }] });
    const pos = createPurchaseOrderRecords(h.knex, { cursorSecret: secret });
    const transfers = createTransferRecords(h.knex, { cursorSecret: secret });
    const now = new Date().toISOString();

    const po: PurchaseOrderView = {
      purchaseOrderId: n('po'), supplier: 's', warehouseId: b, status: 'open', late: false, expectedAt: now,
      lines: [{ sku, ordered: 5, received: 0, outstanding: 5 }], receipts: [], createdAt: now, history: [],
    };
    await pos.create(po, 'h');
    expect(await pos.receive(po.purchaseOrderId, { receiptId: 'r1', lines: [{ sku, quantity: 2 }], at: now })).toMatchObject({ kind: 'done', changed: true });
    // Applied once: the repeat moves nothing.
    expect(await pos.receive(po.purchaseOrderId, { receiptId: 'r1', lines: [{ sku, quantity: 2 }], at: now })).toMatchObject({ kind: 'done', changed: false });

    const t: TransferView = { transferId: n('t'), fromWarehouseId: a, toWarehouseId: b, status: 'requested', lines: [{ sku, quantity: 4, shipped: 0, received: 0, lost: 0 }], createdAt: now, history: [] };
    await transfers.create(t, 'h');
    expect(await kinds(sku)).toEqual([]);
    await transfers.ship(t.transferId, {}, now);
    expect(await kinds(sku)).toEqual([]);
    await transfers.receive(t.transferId, { receiptId: 'g', lines: [{ sku, quantity: 3 }] }, now);
    expect(await kinds(sku)).toEqual([]);

    // A PO record that claims more than its movements (incoming too).
    await h.knex('purchase_order_lines').where({ purchase_order_id: po.purchaseOrderId }).update({ received: 3 });
    expect(await kinds(sku)).toEqual(['incoming_mismatch', 'purchase_order_received_mismatch']);
    await h.knex('purchase_order_lines').where({ purchase_order_id: po.purchaseOrderId }).update({ received: 2 });

    // A transfer line that says less was lost than left breaks conservation; one that disagrees with its movements, the movement check.
    await h.knex('transfer_lines').where({ transfer_id: t.transferId }).update({ lost: 0 });
    expect(await kinds(sku)).toEqual(['conservation_mismatch']);
    await h.knex('transfer_lines').where({ transfer_id: t.transferId }).update({ received: 2, lost: 1 });
    expect(await kinds(sku)).toEqual(['transfer_movement_mismatch']);
    await h.knex('transfer_lines').where({ transfer_id: t.transferId }).update({ received: 3, lost: 1 });
    expect(await kinds(sku)).toEqual([]);

    // A transfer that holds units without being requested.
    const t2: TransferView = { ...t, transferId: n('t2'), lines: [{ sku, quantity: 1, shipped: 0, received: 0, lost: 0 }] };
    await transfers.create(t2, 'h');
    await h.knex('transfer_lines').where({ transfer_id: t2.transferId }).update({ status: 'cancelled' });
    expect(await kinds(sku)).toEqual(['transfer_held_mismatch']);
    await h.knex('transfer_lines').where({ transfer_id: t2.transferId }).update({ status: 'requested' });
    expect(await transfers.cancel(t2.transferId, 'x', now)).toMatchObject({ kind: 'done', changed: true });
    expect(await kinds(sku)).toEqual([]);
  });
});
