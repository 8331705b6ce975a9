/**
 * zod schemas of every request part (body, query, path) and every response. The same
 * schemas validate requests and generate the OpenAPI document (api/openapi.ts): schemas
 * registered in `apiSchemas` become named components.
 *
 * Request objects are `.strict()`: an unknown field is a 400, so a client can never set
 * `status` or any other server-owned field.
 */
import { z } from 'zod';
import { ROLES } from '../config/config';
import { ISO_COUNTRY_CODES } from './countries';
import { ID_LIST_PATTERN, ID_PATTERN, ID_RULE } from './ids';
import { peerUrlProblem } from '../integrations/peer-url';
import { FULFILLMENT_STATUSES, HOLD_REASONS, ORDER_STATUSES, RETURN_DISPOSITIONS, RETURN_STATUSES, type OrderEvent, type OrderView, type ReturnView } from '../workflows/types';

/** True only when A and B are the same type (optional fields included). */
type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Named schemas of the OpenAPI document (components.schemas). */
export const apiSchemas = z.registry<{ id: string; description?: string }>();
const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
};

// ---------- identifiers ----------


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

/** A bigint id (a page cursor, a delivery id) in a URL: 18 digits hold every id there will be, and never pass bigint's range (a 19-digit one could: a 500). */
export const BIGINT_ID = /^[1-9][0-9]{0,17}$/;

/**
 * No control characters: the Unicode Cc category spelled out as ranges, the same set in the
 * regex subset every fuzzer and JSON Schema validator reads (`\p{…}` is not in it).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A last label of digits makes the WHATWG parser read the host as an IPv4 address.
const TOP_LABEL = '[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
/**
 * The shape of a URL we POST to, as a pattern the document carries: http or https, a host name
 * or an IPv4 address, an optional port, a path of printable ASCII, no credentials and no
 * fragment. So what a client or a fuzzer builds from it is accepted; the refinements still decide.
 */
export const HTTP_URL_PATTERN = new RegExp(
  `^https?://((${LABEL}\\.)*${TOP_LABEL}|${OCTET}(\\.${OCTET}){3})(:${PORT})?(/[\\x21\\x22\\x24-\\x7e]*)?$`,
);

/** Printable text without control characters. */
const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');


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

/** Normalised to UTC ISO so the visibility query only ever sees one timestamp shape. */
const createdBound = (name: string, description: string) =>
  z.iso
    .datetime({ offset: true, error: `${name} must be an ISO 8601 date-time, e.g. 2030-01-31T12:00:00Z` })
    .transform((v) => new Date(v).toISOString())
    .optional()
    .describe(description);

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
    createdAfter: createdBound('createdAfter', 'Only orders accepted at or after this time'),
    createdBefore: createdBound('createdBefore', 'Only orders accepted before this time'),
    limit: z.coerce.number().int('limit must be an integer').min(1).max(500).default(50).describe('Page size, 1-500 (default 50)'),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,1024}$/, 'cursor must be the nextCursor of a previous page')
      .optional()
      .describe('The nextCursor of the previous page'),
  })
  .strict();

export const orderIdParamsSchema = z.object({ orderId: orderIdSchema }).strict();

export const cancelBodySchema = named(z.object({ reason: text(500) }).strict(), 'CancelRequest');

const fulfillmentIdField = { fulfillmentId: identifier('fulfillment id').optional().describe('Which fulfillment (parcel); may be left out while the order has one active') };

export const orderEventBodySchema = named(
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('picked'), ...fulfillmentIdField }).strict(),
    z.object({ type: z.literal('pick_failed'), reason: text(500), ...fulfillmentIdField }).strict(),
    z.object({ type: z.literal('packed'), ...fulfillmentIdField }).strict(),
    z.object({ type: z.literal('shipped'), carrier: text(100), trackingNumber: text(100), ...fulfillmentIdField }).strict(),
    z.object({ type: z.literal('delivered'), ...fulfillmentIdField }).strict(),
    z.object({ type: z.literal('rejected'), reason: text(500), ...fulfillmentIdField }).strict(),
  ]),
  'OrderEvent',
  'A warehouse or carrier event',
);
// Every body this accepts is an OrderEvent the workflow understands.
const _orderEventFits: z.output<typeof orderEventBodySchema> extends OrderEvent ? true : false = true;

export const holdParamsSchema = z.object({ orderId: orderIdSchema, holdId: identifier('hold id') }).strict();

export const holdBodySchema = named(
  z
    .object({
      reason: z.enum(HOLD_REASONS, { error: `must be one of ${HOLD_REASONS.join(', ')}` }),
      note: text(500).optional(),
      until: z.iso
        .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2030-01-31T12:00:00Z' })
        .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
        .optional()
        .describe('The hold releases itself then (ISO 8601 date-time in the future)'),
    })
    .strict(),
  'HoldRequest',
);

export const editBodySchema = named(
  z
    .object({
      lines: z
        .array(orderLineSchema)
        .min(1, 'lines must not be empty (cancel the order instead)')
        .max(100, 'an order has at most 100 lines')
        .optional()
        .describe("Replaces the order's lines"),
      shippingAddress: shippingAddressSchema.optional(),
      shippingMethod: shippingMethodSchema.optional(),
    })
    .strict()
    .refine((b) => b.lines !== undefined || b.shippingAddress !== undefined || b.shippingMethod !== undefined, {
      message: 'an edit needs at least one of lines, shippingAddress, shippingMethod',
    }),
  'EditRequest',
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
      fulfillmentUrl: z
        .string()
        .superRefine((v, ctx) => {
          const problem = peerUrlProblem(v);
          if (problem) ctx.addIssue({ code: 'custom', message: `fulfillmentUrl ${problem}` });
        })
        // After the refinement, whose message is the precise one; the pattern is for the document.
        .regex(HTTP_URL_PATTERN, 'fulfillmentUrl must look like http(s)://host[:port][/path]')
        .nullable()
        .optional()
        .describe('Where fulfillment requests are POSTed, signed with INTEGRATION_SECRET (http/https, no credentials); null clears it, omitted keeps it'),
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
      // Two ranges rather than a refinement, so the document says "not 0" too.
      delta: z
        .union([z.number().int('must be an integer').min(-1_000_000).max(-1), z.number().int('must be an integer').min(1).max(1_000_000)], {
          error: 'must be a non-zero integer from -1000000 to 1000000',
        })
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
      .regex(BIGINT_ID, 'cursor must be the nextCursor of a previous page')
      .optional()
      .describe('The nextCursor of the previous page'),
  })
  .strict();

export const reconciliationQuerySchema = z
  .object({
    skus: z
      .string()
      .regex(ID_LIST_PATTERN, 'skus must be SKU codes separated by commas')
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

const lineView = z.object({ sku: z.string(), quantity: z.number().int() });

const shipmentSchema = named(
  z.object({
    carrier: z.string(),
    trackingNumber: z.string(),
    labelId: z.string().optional(),
    shippedAt: isoDate.optional(),
    deliveredAt: isoDate.optional(),
  }),
  'Shipment',
);

export const fulfillmentSchema = named(
  z.object({
    fulfillmentId: z.string(),
    warehouseId: z.string(),
    lines: z.array(lineView),
    status: z.enum(FULFILLMENT_STATUSES),
    pickTaskId: z.string().optional(),
    shipment: shipmentSchema.optional(),
    reason: z.string().optional().describe('Why the warehouse rejected it, or why it was cancelled'),
  }),
  'Fulfillment',
  'The part of the order one warehouse picks, packs and ships',
);

export const holdSchema = named(
  z.object({
    holdId: z.string(),
    reason: z.enum(HOLD_REASONS),
    note: z.string().optional(),
    until: isoDate.optional().describe('The hold releases itself then'),
    placedAt: isoDate,
    releasedAt: isoDate.optional().describe('Set once released; an active hold has none'),
    releasedBy: z.enum(['request', 'until']).optional(),
  }),
  'Hold',
);

export const returnViewSchema = named(
  z.object({
    returnId: z.string(),
    orderId: z.string(),
    status: z.enum(RETURN_STATUSES),
    lines: z.array(lineView).describe('What was authorized to come back'),
    reason: z.string(),
    createdAt: isoDate,
    receivedAt: isoDate.optional(),
    expiredAt: isoDate.optional(),
    warehouseId: z.string().optional().describe('The warehouse that received the parcel'),
    inspected: z
      .array(z.object({ sku: z.string(), quantity: z.number().int(), disposition: z.enum(RETURN_DISPOSITIONS) }))
      .optional()
      .describe('What arrived, as inspected: restock lines went back on hand, damaged ones did not'),
  }),
  'Return',
  'A return of a delivered order (DESIGN §13)',
);
const _returnViewMatches: SameType<z.output<typeof returnViewSchema>, ReturnView> = true;

/** Exactly the workflow's OrderView (checked at compile time below), so the document cannot drift from it. */
const orderViewFields = z.object({
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
  lines: z.array(lineView),
  allocations: z.array(allocationSchema),
  backordered: z.array(lineView),
  fulfillments: z.array(fulfillmentSchema).describe('One per warehouse holding units'),
  holds: z.array(holdSchema).describe('Every hold ever placed; the active ones have no releasedAt'),
  pickTaskId: z.string().optional().describe("The first fulfillment's pick task"),
  shipment: shipmentSchema.optional().describe("The first fulfillment's shipment (single-warehouse clients)"),
  history: z.array(z.object({ at: isoDate, status: orderStatusSchema, note: z.string().optional() })),
  lastError: z.object({ step: z.string(), type: z.string().optional(), message: z.string(), at: isoDate }).optional(),
  failedStep: z.string().optional(),
  failedFulfillmentId: z.string().optional().describe('The fulfillment whose step failed, when it was one'),
  edits: z.number().int().describe('How many edits were applied'),
  cancelReason: z.string().optional(),
  returns: z.array(returnViewSchema).optional().describe('Returns authorized after delivery, whatever became of them'),
});
const _orderViewMatches: SameType<z.output<typeof orderViewFields>, OrderView> = true;

export const orderViewSchema = named(
  orderViewFields.extend({ links: orderLinksSchema.optional() }),
  'Order',
  "The order's state: the answer of the workflow's status query",
);

export const orderSummarySchema = named(
  z.object({
    orderId: z.string(),
    status: orderStatusSchema.or(z.literal('unknown')).describe("The order's status in its record"),
    customerId: z.string().optional(),
    channel: z.string().optional(),
    skus: z.array(z.string()),
    warehouseIds: z.array(z.string()),
    workflowStatus: z.string().describe('RUNNING while the order is open, CLOSED once it reached a terminal status'),
    startedAt: isoDate,
    closedAt: isoDate.optional(),
    links: orderLinksSchema,
  }),
  'OrderSummary',
  'A list item, from the order record',
);

export const orderListSchema = named(
  z.object({ orders: z.array(orderSummarySchema), nextCursor: z.string().optional().describe('Pass as cursor for the next page') }),
  'OrderList',
);

export const warehouseSchema = named(
  z.object({
    id: z.string(),
    name: z.string(),
    priority: z.number().int(),
    active: z.boolean(),
    fulfillmentUrl: z.string().nullable().describe('null: the warehouse runs on WAREHOUSE_MODE'),
  }),
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

export const placedHoldSchema = named(
  z.object({ holdId: z.string(), reason: z.enum(HOLD_REASONS), note: z.string().optional(), until: isoDate.optional(), placedAt: isoDate }),
  'PlacedHold',
);

export const whoamiSchema = named(
  z.object({
    role: z.enum(ROLES).describe('With auth off: admin (every caller has every role)'),
    auth: z.enum(['on', 'off']).describe('"off" when the server runs without API_KEYS'),
  }),
  'WhoAmI',
);
