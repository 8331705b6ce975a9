/**
 * Transfers between warehouses (docs/design.md §15): vocabulary and pure rules shared by the
 * workflow, the records and the API. Imports nothing but domain/.
 */
import { mergeStockLines, type DocumentHistoryEntry, type StockLine } from './purchase-orders';

export const TRANSFER_STATUSES = ['requested', 'in_transit', 'received', 'cancelled', 'needs_attention'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export interface TransferLine {
  sku: string;
  quantity: number;
  shipped: number;
  received: number;
  lost: number;
}

export interface TransferView {
  transferId: string;
  fromWarehouseId: string;
  toWarehouseId: string;
  status: TransferStatus;
  expectedAt?: string;
  lines: TransferLine[];
  carrier?: string;
  trackingNumber?: string;
  shippedAt?: string;
  receivedAt?: string;
  receiptId?: string;
  /** The lines of the receipt as sent (a repeat is recognised by them). */
  receipt?: StockLine[];
  cancelReason?: string;
  createdAt: string;
  history: DocumentHistoryEntry[];
}

export interface TransferInput {
  transferId: string;
  fromWarehouseId: string;
  toWarehouseId: string;
  createdAt: string;
  /** TRANSFER_TIMEOUT, fixed at start so replays agree. */
  timeoutMs: number;
}

export interface ShipTransferRequest {
  carrier?: string;
  trackingNumber?: string;
  expectedAt?: string;
}

export interface ReceiveTransferRequest {
  receiptId: string;
  lines: StockLine[];
}

export const transferWorkflowId = (transferId: string): string => `transfer-${transferId}`;
/** The ledger's document id of a transfer: its reservations and movements carry it as `order_id`. */
export const transferDocumentId = (transferId: string): string => `transfer:${transferId}`;
export const TRANSFER_DOCUMENT_PREFIX = 'transfer:';
export const transferKey = (transferId: string, step: 'reserve' | 'ship' | 'receive' | 'release'): string => `xfer:${transferId}:${step}`;

export const isTransferClosed = (s: TransferStatus): boolean => s === 'received' || s === 'cancelled';
/** Shipped and not yet received: the units are on the road. */
export const isInTransit = (s: TransferStatus): boolean => s === 'in_transit' || s === 'needs_attention';

export interface OverTransferReceipt {
  sku: string;
  requested: number;
  shipped: number;
  notOnTransfer?: true;
}

/** Lines beyond what shipped, or naming a SKU not on the transfer. */
export function overTransferReceiptOf(t: Pick<TransferView, 'lines'>, lines: readonly StockLine[]): OverTransferReceipt[] {
  const out: OverTransferReceipt[] = [];
  for (const l of mergeStockLines(lines)) {
    const line = t.lines.find((x) => x.sku === l.sku);
    if (!line) out.push({ sku: l.sku, requested: l.quantity, shipped: 0, notOnTransfer: true });
    else if (l.quantity > line.shipped) out.push({ sku: l.sku, requested: l.quantity, shipped: line.shipped });
  }
  return out;
}

/** What the destination got; what shipped and did not arrive is lost on its line. */
export function withTransferReceipt(t: TransferView, req: ReceiveTransferRequest, at: string): TransferView {
  const got = new Map(mergeStockLines(req.lines).map((l) => [l.sku, l.quantity]));
  const lines = t.lines.map((l) => {
    const received = got.get(l.sku) ?? 0;
    return { ...l, received, lost: l.shipped - received };
  });
  const lost = lines.reduce((n, l) => n + l.lost, 0);
  return {
    ...t,
    status: 'received',
    lines,
    receivedAt: at,
    receiptId: req.receiptId,
    receipt: mergeStockLines(req.lines),
    history: [...t.history, { at, status: 'received', note: `receipt ${req.receiptId}${lost > 0 ? `: ${lost} unit${lost === 1 ? '' : 's'} lost` : ''}` }],
  };
}

export function sameTransferReceipt(t: Pick<TransferView, 'receiptId' | 'receipt'>, req: ReceiveTransferRequest): boolean {
  return t.receiptId === req.receiptId && JSON.stringify(t.receipt ?? []) === JSON.stringify(mergeStockLines(req.lines));
}
