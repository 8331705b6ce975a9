/** The pure rules of purchase orders and transfers (docs/design.md §15): receipts, over-receipts, losses, dates. */
import { canCancel, isIsoDate, mergeStockLines, overReceiptOf, sameReceipt, withReceipt, type PurchaseOrderView } from '../domain/purchase-orders';
import { overTransferReceiptOf, sameTransferReceipt, withTransferReceipt, type TransferView } from '../domain/transfers';

const at = '2026-12-04T10:00:00.000Z';
const po = (): PurchaseOrderView => ({
  purchaseOrderId: 'po-1',
  supplier: 'Acme',
  warehouseId: 'A',
  status: 'open',
  late: true,
  expectedAt: at,
  lines: [
    { sku: 'X', ordered: 10, received: 0, outstanding: 10 },
    { sku: 'Y', ordered: 2, received: 0, outstanding: 2 },
  ],
  receipts: [],
  createdAt: at,
  history: [],
});

describe('purchase-order rules', () => {
  it('a receipt moves received and outstanding; all in → received and no longer late', () => {
    const one = withReceipt(po(), { receiptId: 'r1', at, lines: [{ sku: 'X', quantity: 4 }] });
    expect(one).toMatchObject({ status: 'partially_received', late: true, lines: [{ sku: 'X', received: 4, outstanding: 6 }, { sku: 'Y', received: 0, outstanding: 2 }] });
    const all = withReceipt(one, { receiptId: 'r2', at, lines: [{ sku: 'Y', quantity: 2 }, { sku: 'X', quantity: 3 }, { sku: 'X', quantity: 3 }] });
    expect(all).toMatchObject({ status: 'received', late: false });
    expect(all.history.map((h) => h.note)).toEqual(['receipt r1: 4 units', 'receipt r2: 8 units']);
    expect(canCancel(one)).toBe(false);
    expect(canCancel(po())).toBe(true);
  });

  it('over-receipt: beyond outstanding (duplicate lines merged first) or a SKU not on the PO', () => {
    expect(overReceiptOf(po(), [{ sku: 'X', quantity: 6 }, { sku: 'X', quantity: 5 }])).toEqual([{ sku: 'X', requested: 11, outstanding: 10 }]);
    expect(overReceiptOf(po(), [{ sku: 'Z', quantity: 1 }])).toEqual([{ sku: 'Z', requested: 1, outstanding: 0, notOnOrder: true }]);
    expect(overReceiptOf(po(), [{ sku: 'X', quantity: 10 }, { sku: 'Y', quantity: 2 }])).toEqual([]);
  });

  it('the same receipt is recognised whatever the order or split of its lines', () => {
    const r = { receiptId: 'r', at, lines: [{ sku: 'X', quantity: 2 }, { sku: 'Y', quantity: 1 }] };
    expect(sameReceipt(r, [{ sku: 'Y', quantity: 1 }, { sku: 'X', quantity: 1 }, { sku: 'X', quantity: 1 }])).toBe(true);
    expect(sameReceipt(r, [{ sku: 'X', quantity: 2 }])).toBe(false);
    expect(mergeStockLines([{ sku: 'b', quantity: 1 }, { sku: 'a', quantity: 1 }, { sku: 'b', quantity: 2 }])).toEqual([{ sku: 'a', quantity: 1 }, { sku: 'b', quantity: 3 }]);
  });

  it('dates: ISO 8601 dates and date-times with a zone, 1970–8999; anything else refused', () => {
    for (const ok of ['2030-01-15', '2030-01-15T10:00Z', '2030-01-15T10:00:00.123Z', '2030-01-15T10:00:00+02:00']) expect(isIsoDate(ok)).toBe(true);
    for (const bad of ['next tuesday', '2030-13-01', '2030-01-15T10:00:00', '15/01/2030', '0000-01-01', '1969-12-31', '2030-01-15T25:00Z', '+012030-01-01', '2030-01-15T24:00Z', '9999-12-31', '2030-00-10']) expect(isIsoDate(bad)).toBe(false);
  });
});

describe('transfer rules', () => {
  const shipped = (): TransferView => ({
    transferId: 't',
    fromWarehouseId: 'A',
    toWarehouseId: 'B',
    status: 'in_transit',
    lines: [{ sku: 'X', quantity: 4, shipped: 4, received: 0, lost: 0 }, { sku: 'Y', quantity: 1, shipped: 1, received: 0, lost: 0 }],
    createdAt: at,
    history: [],
  });

  it('what shipped and did not arrive is lost on its line (a line not named arrived with 0)', () => {
    const t = withTransferReceipt(shipped(), { receiptId: 'g', lines: [{ sku: 'X', quantity: 3 }] }, at);
    expect(t.lines).toEqual([{ sku: 'X', quantity: 4, shipped: 4, received: 3, lost: 1 }, { sku: 'Y', quantity: 1, shipped: 1, received: 0, lost: 1 }]);
    expect(t.status).toBe('received');
    expect(t.history.at(-1)?.note).toBe('receipt g: 2 units lost');
    expect(sameTransferReceipt(t, { receiptId: 'g', lines: [{ sku: 'X', quantity: 3 }] })).toBe(true);
    expect(sameTransferReceipt(t, { receiptId: 'g', lines: [{ sku: 'X', quantity: 4 }] })).toBe(false);
  });

  it('more than shipped, or a SKU not on the transfer, is an over-receipt', () => {
    expect(overTransferReceiptOf(shipped(), [{ sku: 'X', quantity: 5 }])).toEqual([{ sku: 'X', requested: 5, shipped: 4 }]);
    expect(overTransferReceiptOf(shipped(), [{ sku: 'Q', quantity: 1 }])).toEqual([{ sku: 'Q', requested: 1, shipped: 0, notOnTransfer: true }]);
  });
});
