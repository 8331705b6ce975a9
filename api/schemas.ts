/**
 * zod schemas of every request part (body, query, path) and every response. The same
 * schemas validate requests and generate the OpenAPI document (api/openapi.ts): schemas
 * registered in `apiSchemas` become named components.
 *
 * Request objects are `.strict()`: an unknown field is a 400, so a client can never set
 * `status` or any other server-owned field.
 */
import { z } from 'zod';
import { ISO_COUNTRY_CODES } from './countries';
import { ORDER_STATUSES } from '../workflows/types';

/** Named schemas of the OpenAPI document (components.schemas). */
export const apiSchemas = z.registry<{ id: string; description?: string }>();
const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
};

// ---------- identifiers ----------

/** Safe inside a workflow id, a URL path segment, a visibility query and a ledger key. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ID_RULE = '1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';

const identifier = (what: string) => z.string().regex(ID_PATTERN, `${what} must be ${ID_RULE}`).describe(`${what}: ${ID_RULE}`);

export const orderIdSchema = identifier('order id');
/** Words that are routes under /inventory, so they cannot be SKU codes. */
export const RESERVED_SKU_CODES = ['alerts', 'reconciliation', 'receipts', 'adjustments'];
export const skuCodeSchema = identifier('SKU').refine((v) => !RESERVED_SKU_CODES.includes(v), {
  message: `SKU must not be one of ${RESERVED_SKU_CODES.join(', ')} (they are routes under /inventory)`,
});
export const warehouseIdSchema = identifier('warehouse id');
export const channelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'channel must be 1-64 characters: letters, digits, ".", "_", ":" or "-"')
  .describe('Sales channel, e.g. "web" or "marketplace:acme"');

/** Printable text without control characters. */
const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** An `Idempotency-Key` header: also used as the order id when the body has none. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const idempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, `Idempotency-Key must be ${ID_RULE}`)
  .describe(`Idempotency-Key: ${ID_RULE}`);

// ---------- orders ----------

/**
 * A customer id is searchable in Temporal visibility (CustomerId): printable, and without
 * `"` or `\`, which the visibility query language cannot match reliably.
 */
export const customerIdSchema = text(128)
  .regex(/^[^"\\]*$/, 'must not contain " or \\')
  .describe('The customer id in the calling system: printable text without " or \\');

export const customerSchema = named(
  z
    .object({
      id: customerIdSchema,
      email: z.email().max(254).optional(),
      name: text(200).optional(),
    })
    .strict(),
  'Customer',
);

export const shippingAddressSchema = named(
  z
    .object({
      name: text(200),
      line1: text(200),
      line2: text(200).optional(),
      city: text(100),
      region: text(100).optional(),
      postalCode: text(20),
      country: z.enum(ISO_COUNTRY_CODES, { error: 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "DE"' }).describe('ISO 3166-1 alpha-2'),
    })
    .strict(),
  'ShippingAddress',
);

export const MAX_QUANTITY = 100_000;

export const orderLineSchema = named(
  z
    .object({
      sku: skuCodeSchema,
      quantity: z.number().int('must be an integer').min(1, 'must be at least 1').max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
    })
    .strict(),
  'OrderLine',
);

export const shippingMethodSchema = z.enum(['standard', 'express']);

export const createOrderBodySchema = named(
  z
    .object({
      orderId: orderIdSchema.optional().describe(`Your order id (${ID_RULE}); else the Idempotency-Key header; else generated`),
      channel: channelSchema,
      customer: customerSchema,
      shippingAddress: shippingAddressSchema,
      lines: z.array(orderLineSchema).min(1, 'an order needs at least 1 line').max(100, 'an order has at most 100 lines'),
      shippingMethod: shippingMethodSchema.default('standard'),
    })
    .strict(),
  'CreateOrderRequest',
);
export type CreateOrderBody = z.output<typeof createOrderBodySchema>;

export const orderStatusSchema = z.enum(ORDER_STATUSES);

const STATUS_ALTERNATION = ORDER_STATUSES.join('|');
export const listOrdersQuerySchema = z
  .object({
    status: z
      .string()
      .regex(new RegExp(`^(${STATUS_ALTERNATION})(,(${STATUS_ALTERNATION}))*$`), `status must be one of ${ORDER_STATUSES.join(', ')} (several separated by commas)`)
      .optional()
      .describe('One status, or several separated by commas'),
    customerId: customerIdSchema.optional(),
    sku: skuCodeSchema.optional(),
    channel: channelSchema.optional(),
    warehouseId: warehouseIdSchema.optional(),
    limit: z.coerce.number().int('limit must be an integer').min(1).max(500).default(50).describe('Page size, 1-500 (default 50)'),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'cursor must be the nextCursor of a previous page')
      .optional()
      .describe('The nextCursor of the previous page'),
  })
  .strict();

export const orderIdParamsSchema = z.object({ orderId: orderIdSchema }).strict();

export const cancelBodySchema = named(z.object({ reason: text(500) }).strict(), 'CancelRequest');

export const orderEventBodySchema = named(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('picked') }).strict(),
    z.object({ type: z.literal('pick_failed'), reason: text(500) }).strict(),
    z.object({ type: z.literal('packed') }).strict(),
    z.object({ type: z.literal('shipped'), carrier: text(100), trackingNumber: text(100) }).strict(),
    z.object({ type: z.literal('delivered') }).strict(),
  ]),
  'OrderEvent',
  'A warehouse or carrier event',
);

// ---------- catalog and inventory ----------

export const warehouseParamsSchema = z.object({ id: warehouseIdSchema }).strict();
export const skuParamsSchema = z.object({ sku: skuCodeSchema }).strict();

export const putWarehouseBodySchema = named(
  z
    .object({
      name: text(200),
      priority: z.number().int().min(0).max(1_000_000).optional().describe('Lower is preferred when allocating'),
      active: z.boolean().optional(),
    })
    .strict(),
  'PutWarehouseRequest',
);

export const putSkuBodySchema = named(
  z
    .object({
      name: text(200),
      reorderPoint: z.number().int().min(0).max(10_000_000).optional().describe('An alert opens when available stock drops to this level'),
      safetyStock: z.number().int().min(0).max(10_000_000).optional().describe('Units kept back from every channel (DESIGN §12)'),
    })
    .strict(),
  'PutSkuRequest',
);

export const receiptBodySchema = named(
  z
    .object({
      warehouseId: warehouseIdSchema,
      sku: skuCodeSchema,
      quantity: z.number().int('must be an integer').min(1, 'must be at least 1').max(1_000_000),
      reference: text(200).optional().describe('e.g. the purchase order or delivery note'),
    })
    .strict(),
  'ReceiptRequest',
);

export const adjustmentBodySchema = named(
  z
    .object({
      warehouseId: warehouseIdSchema,
      sku: skuCodeSchema,
      delta: z
        .number()
        .int('must be an integer')
        .min(-1_000_000)
        .max(1_000_000)
        .refine((d) => d !== 0, 'must not be 0')
        .describe('Units to add (positive) or remove (negative); not 0'),
      reason: text(500),
    })
    .strict(),
  'AdjustmentRequest',
);

export const movementsQuerySchema = z
  .object({
    limit: z.coerce.number().int('limit must be an integer').min(1).max(500).default(50).describe('Page size, 1-500 (default 50)'),
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,18}$/, 'cursor must be the nextCursor of a previous page')
      .optional()
      .describe('The nextCursor of the previous page'),
  })
  .strict();

export const reconciliationQuerySchema = z
  .object({
    skus: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(,[A-Za-z0-9][A-Za-z0-9._-]{0,63})*$/, 'skus must be SKU codes separated by commas')
      .optional()
      .describe('Only these SKUs (comma-separated); all when absent'),
  })
  .strict();

export const emptyQuerySchema = z.object({}).strict();

// ---------- responses ----------

export const errorSchema = named(
  z.object({
    error: z.string().describe('Machine-readable code, e.g. validation_failed, not_found, invalid_transition'),
    message: z.string(),
    details: z.unknown().optional(),
  }),
  'Error',
);

const isoDate = z.string().describe('ISO 8601 timestamp');

export const allocationSchema = named(z.object({ warehouseId: z.string(), sku: z.string(), quantity: z.number().int() }), 'Allocation');

export const orderLinksSchema = z.object({
  self: z.string().describe('This order in the API'),
  temporalUi: z.string().describe('The order workflow in the Temporal UI'),
});

export const orderAcceptedSchema = named(
  z.object({ orderId: z.string(), status: orderStatusSchema, links: orderLinksSchema }),
  'OrderAccepted',
);

export const orderViewSchema = named(
  z.object({
    orderId: z.string(),
    status: orderStatusSchema,
    channel: z.string(),
    customer: z.object({ id: z.string(), email: z.string().optional(), name: z.string().optional() }),
    shippingAddress: z.object({
      name: z.string(),
      line1: z.string(),
      line2: z.string().optional(),
      city: z.string(),
      region: z.string().optional(),
      postalCode: z.string(),
      country: z.string(),
    }),
    shippingMethod: shippingMethodSchema,
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
    allocations: z.array(allocationSchema),
    backordered: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
    pickTaskId: z.string().optional(),
    shipment: z
      .object({
        carrier: z.string(),
        trackingNumber: z.string(),
        labelId: z.string().optional(),
        shippedAt: isoDate.optional(),
        deliveredAt: isoDate.optional(),
      })
      .optional(),
    history: z.array(z.object({ at: isoDate, status: orderStatusSchema, note: z.string().optional() })),
    lastError: z.object({ step: z.string(), type: z.string().optional(), message: z.string(), at: isoDate }).optional(),
    failedStep: z.string().optional(),
    cancelReason: z.string().optional(),
    links: orderLinksSchema.optional(),
  }),
  'Order',
  "The order's state: the answer of the workflow's status query",
);

export const orderSummarySchema = named(
  z.object({
    orderId: z.string(),
    status: orderStatusSchema.or(z.literal('unknown')).describe('From the OrderStatus search attribute'),
    customerId: z.string().optional(),
    channel: z.string().optional(),
    skus: z.array(z.string()),
    warehouseIds: z.array(z.string()),
    workflowStatus: z.string().describe('RUNNING, COMPLETED, TERMINATED, …'),
    startedAt: isoDate,
    closedAt: isoDate.optional(),
    links: orderLinksSchema,
  }),
  'OrderSummary',
  'A list item, built from search attributes (no query per item)',
);

export const orderListSchema = named(
  z.object({ orders: z.array(orderSummarySchema), nextCursor: z.string().optional().describe('Pass as cursor for the next page') }),
  'OrderList',
);

export const warehouseSchema = named(
  z.object({ id: z.string(), name: z.string(), priority: z.number().int(), active: z.boolean() }),
  'Warehouse',
);
export const warehouseListSchema = named(z.object({ warehouses: z.array(warehouseSchema) }), 'WarehouseList');

export const skuSchema = named(z.object({ sku: z.string(), name: z.string(), reorderPoint: z.number().int(), safetyStock: z.number().int() }), 'Sku');

const levelFields = { onHand: z.number().int(), reserved: z.number().int(), available: z.number().int() };

export const warehouseLevelSchema = named(
  z.object({ sku: z.string(), warehouseId: z.string(), ...levelFields }),
  'WarehouseLevel',
  'The stock of one SKU at one warehouse',
);

export const skuLevelsSchema = named(
  z.object({ sku: z.string(), ...levelFields, levels: z.array(z.object({ warehouseId: z.string(), ...levelFields })) }),
  'SkuLevels',
);

export const movementSchema = named(
  z.object({
    id: z.string(),
    warehouseId: z.string(),
    sku: z.string(),
    kind: z.enum(['receipt', 'adjustment', 'reserve', 'release', 'ship', 'return']),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    orderId: z.string().nullable(),
    idempotencyKey: z.string(),
    reason: z.string().nullable(),
    createdAt: isoDate,
  }),
  'Movement',
);
export const movementListSchema = named(
  z.object({ movements: z.array(movementSchema), nextCursor: z.string().optional().describe('Pass as cursor for the next (older) page') }),
  'MovementList',
);

export const alertListSchema = named(
  z.object({
    alerts: z.array(z.object({ id: z.string(), sku: z.string(), available: z.number().int(), reorderPoint: z.number().int(), openedAt: isoDate })),
  }),
  'ReorderAlertList',
);

export const reconciliationSchema = named(
  z.object({
    ok: z.boolean(),
    problems: z.array(z.object({ kind: z.string() }).catchall(z.unknown())).describe('Each names its kind and the rows concerned'),
  }),
  'Reconciliation',
);

export const healthSchema = named(
  z.object({
    status: z.enum(['ok', 'unavailable']),
    temporal: z.enum(['ok', 'unreachable']),
    postgres: z.enum(['ok', 'unreachable']),
    error: z.string().optional(),
    message: z.string().optional(),
  }),
  'Health',
);
