/**
 * Purchase orders (docs/design.md §15): the vocabulary and the pure rules shared by the
 * workflow, the records and the API. Imports nothing.
 */
export const PURCHASE_ORDER_STATUSES = ['open', 'partially_received', 'received', 'closed_short', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export interface StockLine {
  sku: string;
  quantity: number;
}

export interface PurchaseOrderLine {
  sku: string;
  ordered: number;
  received: number;
  outstanding: number;
}

export interface PurchaseOrderReceipt {
  receiptId: string;
  at: string;
  lines: StockLine[];
}

export interface DocumentHistoryEntry {
  at: string;
  status: string;
  note?: string;
}

export interface PurchaseOrderView {
  purchaseOrderId: string;
  supplier: string;
  warehouseId: string;
  status: PurchaseOrderStatus;
  late: boolean;
  expectedAt: string;
  lines: PurchaseOrderLine[];
  receipts: PurchaseOrderReceipt[];
  createdAt: string;
  history: DocumentHistoryEntry[];
}

export interface PurchaseOrderInput {
  purchaseOrderId: string;
  supplier: string;
  warehouseId: string;
  expectedAt: string;
  createdAt: string;
  lines: StockLine[];
}

export const purchaseOrderWorkflowId = (purchaseOrderId: string): string => `purchase-order-${purchaseOrderId}`;
/** The ledger's document id of a PO: its receipt movements carry it as `order_id` (no order id has a ":"). */
export const purchaseOrderDocumentId = (purchaseOrderId: string): string => `po:${purchaseOrderId}`;
/** Ledger key of one receipt; each line's movement key adds the warehouse and SKU. */
export const purchaseOrderReceiptKey = (purchaseOrderId: string, receiptId: string): string => `po:${purchaseOrderId}:receipt:${receiptId}`;

/** Nothing more can happen to the PO. */
export const isPurchaseOrderClosed = (status: PurchaseOrderStatus): boolean => status === 'received' || status === 'closed_short' || status === 'cancelled';

/** Duplicate SKU lines merged, sorted by SKU: the canonical form of a receipt or a PO's lines. */
export function mergeStockLines(lines: readonly StockLine[]): StockLine[] {
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.sku, (by.get(l.sku) ?? 0) + l.quantity);
  return [...by].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

export const outstandingUnits = (po: Pick<PurchaseOrderView, 'lines'>): number => po.lines.reduce((n, l) => n + l.outstanding, 0);

export interface OverReceipt {
  sku: string;
  requested: number;
  outstanding: number;
  notOnOrder?: true;
}

/** Lines of a receipt beyond their line's outstanding units, or naming a SKU not on the PO. */
export function overReceiptOf(po: Pick<PurchaseOrderView, 'lines'>, lines: readonly StockLine[]): OverReceipt[] {
  const out: OverReceipt[] = [];
  for (const l of mergeStockLines(lines)) {
    const line = po.lines.find((x) => x.sku === l.sku);
    if (!line) out.push({ sku: l.sku, requested: l.quantity, outstanding: 0, notOnOrder: true });
    else if (l.quantity > line.outstanding) out.push({ sku: l.sku, requested: l.quantity, outstanding: line.outstanding });
  }
  return out;
}

/** The same receipt (id and lines) as one already applied. */
export function sameReceipt(a: PurchaseOrderReceipt, lines: readonly StockLine[]): boolean {
  return JSON.stringify(mergeStockLines(a.lines)) === JSON.stringify(mergeStockLines(lines));
}

/** A receipt applied to the view: lines, status, history. Pure; the caller checked overReceiptOf first. */
export function withReceipt(po: PurchaseOrderView, receipt: PurchaseOrderReceipt): PurchaseOrderView {
  const got = new Map(mergeStockLines(receipt.lines).map((l) => [l.sku, l.quantity]));
  const lines = po.lines.map((l) => {
    const q = got.get(l.sku) ?? 0;
    return { ...l, received: l.received + q, outstanding: l.outstanding - q };
  });
  const status: PurchaseOrderStatus = lines.every((l) => l.outstanding === 0) ? 'received' : 'partially_received';
  const units = receipt.lines.reduce((n, l) => n + l.quantity, 0);
  return {
    ...po,
    lines,
    status,
    late: status === 'received' ? false : po.late,
    receipts: [...po.receipts, receipt],
    history: [...po.history, { at: receipt.at, status, note: `receipt ${receipt.receiptId}: ${units} unit${units === 1 ? '' : 's'}` }],
  };
}

/** Which statuses each action accepts (the workflow's validators and the API's pre-checks). */
export const canReceive = (s: PurchaseOrderStatus): boolean => s === 'open' || s === 'partially_received';
export const canMoveDate = canReceive;
export const canClose = canReceive;
export const canCancel = (po: Pick<PurchaseOrderView, 'status' | 'receipts'>): boolean => po.status === 'open' && po.receipts.length === 0;

/**
 * ISO 8601: a date, or a date-time with minutes (seconds and fractions optional) and a zone.
 * Field ranges are in the pattern so an API schema can state them; years 1970–8999 keep every
 * instant, shifted by any zone, within what Postgres and JavaScript both hold.
 */
const YEAR = '(19[7-9][0-9]|[2-8][0-9]{3})';
const TIME = 'T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])';
export const ISO_DATE_TIME = new RegExp(`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(${TIME})?$`);
export function isIsoDate(value: string): boolean {
  return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
