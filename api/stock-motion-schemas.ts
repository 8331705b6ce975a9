/** zod schemas of the purchase-order and transfer routes (docs/design.md §15), registered for OpenAPI. */
import { z } from 'zod';
import { ISO_DATE_TIME, isIsoDate, PURCHASE_ORDER_STATUSES } from '../domain/purchase-orders';
import { TRANSFER_STATUSES } from '../domain/transfers';
import { named } from './schema-registry';
import { identifier, skuCodeSchema, text, warehouseIdSchema } from './schema-primitives';
import { MAX_LINE_QUANTITY } from '../domain/limits';
import { lineQuantitySchema } from './order-schemas';

// The pattern states the rule for the OpenAPI document; the refine is a guard that never fires on a match.
export const isoDateSchema = z
  .string()
  .max(40)
  .regex(ISO_DATE_TIME, 'must be an ISO 8601 date or date-time with a time zone (2026-12-24 or 2026-12-24T10:00:00Z), years 1970-8999')
  .refine(isIsoDate, 'must be a date JavaScript can read');

const lineSchema = z
  .object({
    sku: skuCodeSchema,
    quantity: lineQuantitySchema,
  })
  .strict();
const linesSchema = z.array(lineSchema).min(1, 'at least 1 line').max(100, 'at most 100 lines');

const cursorSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,1024}$/, 'cursor must be the nextCursor of a previous page')
  .optional()
  .describe('The nextCursor of the previous page');
const limitSchema = z.coerce.number().int('limit must be an integer').min(1).max(200).default(50).describe('Page size, 1-200 (default 50)');

export const purchaseOrderIdSchema = identifier('purchase order id');
export const transferIdSchema = identifier('transfer id');
export const purchaseOrderParamsSchema = z.object({ purchaseOrderId: purchaseOrderIdSchema }).strict();
export const transferParamsSchema = z.object({ transferId: transferIdSchema }).strict();

export const openPurchaseOrderBodySchema = named(
  z
    .object({
      purchaseOrderId: purchaseOrderIdSchema.optional().describe('Your PO id; else derived from the Idempotency-Key; else generated'),
      supplier: text(200),
      warehouseId: warehouseIdSchema,
      expectedAt: isoDateSchema,
      lines: linesSchema,
    })
    .strict(),
  'OpenPurchaseOrderRequest',
);

export const purchaseOrderReceiptBodySchema = named(
  z.object({ receiptId: identifier('receipt id'), lines: linesSchema }).strict(),
  'PurchaseOrderReceiptRequest',
);
export const movePurchaseOrderBodySchema = named(z.object({ expectedAt: isoDateSchema }).strict(), 'MovePurchaseOrderRequest');
export const reasonBodySchema = named(z.object({ reason: text(500) }).strict(), 'ReasonRequest');

export const purchaseOrderListQuerySchema = z
  .object({
    status: z.enum(PURCHASE_ORDER_STATUSES).optional(),
    warehouseId: warehouseIdSchema.optional(),
    sku: skuCodeSchema.optional(),
    supplier: text(200).optional(),
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .strict();

export const requestTransferBodySchema = named(
  z
    .object({
      transferId: transferIdSchema.optional().describe('Your transfer id; else derived from the Idempotency-Key; else generated'),
      fromWarehouseId: warehouseIdSchema,
      toWarehouseId: warehouseIdSchema,
      lines: linesSchema,
      expectedAt: isoDateSchema.optional(),
    })
    .strict(),
  'RequestTransferRequest',
);
export const shipTransferBodySchema = named(
  z.object({ carrier: text(100).optional(), trackingNumber: text(100).optional(), expectedAt: isoDateSchema.optional() }).strict(),
  'ShipTransferRequest',
);
export const receiveTransferBodySchema = named(
  z
    .object({
      receiptId: identifier('receipt id'),
      lines: z
        .array(z.object({ sku: skuCodeSchema, quantity: z.number().int('must be an integer').min(0, 'must be at least 0').max(MAX_LINE_QUANTITY) }).strict())
        .min(1)
        .max(100),
    })
    .strict(),
  'ReceiveTransferRequest',
);
export const transferListQuerySchema = z
  .object({ status: z.enum(TRANSFER_STATUSES).optional(), warehouseId: warehouseIdSchema.optional(), sku: skuCodeSchema.optional(), limit: limitSchema, cursor: cursorSchema })
  .strict();

const history = z.array(z.object({ at: z.string(), status: z.string(), note: z.string().optional() }));
export const purchaseOrderSchema = named(
  z.object({
    purchaseOrderId: z.string(),
    supplier: z.string(),
    warehouseId: z.string(),
    status: z.enum(PURCHASE_ORDER_STATUSES),
    late: z.boolean(),
    expectedAt: z.string(),
    lines: z.array(z.object({ sku: z.string(), ordered: z.number().int(), received: z.number().int(), outstanding: z.number().int() })),
    receipts: z.array(z.object({ receiptId: z.string(), at: z.string(), lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })) })),
    createdAt: z.string(),
    history,
  }),
  'PurchaseOrder',
);
export const purchaseOrderListSchema = named(z.object({ purchaseOrders: z.array(purchaseOrderSchema), nextCursor: z.string().optional() }), 'PurchaseOrderList');

export const transferSchema = named(
  z.object({
    transferId: z.string(),
    fromWarehouseId: z.string(),
    toWarehouseId: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    expectedAt: z.string().optional(),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), shipped: z.number().int(), received: z.number().int(), lost: z.number().int() })),
    carrier: z.string().optional(),
    trackingNumber: z.string().optional(),
    shippedAt: z.string().optional(),
    receivedAt: z.string().optional(),
    receiptId: z.string().optional().describe('The receipt that ended the transfer'),
    receipt: z.array(z.object({ sku: z.string(), quantity: z.number().int() })).optional().describe('Its lines as sent'),
    cancelReason: z.string().optional(),
    createdAt: z.string(),
    history,
  }),
  'Transfer',
);
export const transferListSchema = named(z.object({ transfers: z.array(transferSchema), nextCursor: z.string().optional() }), 'TransferList');
