/**
 * Every response body. Views the workflow answers with are checked at compile time
 * against its types (SameType), so the document cannot drift from what is returned.
 */
import { z } from 'zod';
import { ROLES } from '../config/config';
import { named } from './schema-registry';
import { orderStatusSchema, shippingMethodSchema } from './order-schemas';
import { sourcingOutcomeSchema } from './sourcing-schemas';
import { FULFILLMENT_STATUSES, HOLD_REASONS, RETURN_DISPOSITIONS, RETURN_STATUSES, type OrderView, type ReturnView } from '../domain/types';

/** True only when A and B are the same type (optional fields included). */
type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

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

export const actorSchema = named(
  z.object({
    role: z.enum(['system', 'support', 'ops', 'admin']),
    scope: z.string().optional().describe('`warehouse=<id>` or `channel=<channel>` for a scoped system key'),
    key: z.string().describe('A fingerprint of the key (`key_<12 hex>`), never the key; `auth_off` when authentication is off'),
  }),
  'Actor',
  'Who placed or released a hold (docs/design.md §20)',
);

export const holdSchema = named(
  z.object({
    holdId: z.string(),
    reason: z.enum(HOLD_REASONS),
    note: z.string().optional(),
    until: isoDate.optional().describe('The hold releases itself then'),
    placedAt: isoDate,
    placedBy: actorSchema.optional().describe('Who placed it (absent on holds placed before it was recorded)'),
    releasedAt: isoDate.optional().describe('Set once released; an active hold has none'),
    releasedBy: z
      .union([actorSchema, z.enum(['request', 'until'])])
      .optional()
      .describe('Who released it; `until` when its time came; `request` on holds released by hand before the releaser was recorded'),
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
  sourcing: sourcingOutcomeSchema.optional(),
  shipBy: isoDate.optional().describe('When the order must have shipped'),
  late: z.boolean().optional().describe('true once shipBy passed before the order shipped'),
});
const _orderViewMatches: SameType<z.output<typeof orderViewFields>, OrderView> = true;

/** Personal data by role (api/personal-data.ts): name and street are absent for ops. */
const shownAddressSchema = orderViewFields.shape.shippingAddress.extend({
  name: z.string().optional().describe('Absent for ops'),
  line1: z.string().optional().describe('Absent for ops'),
});

export const orderViewSchema = named(
  orderViewFields.extend({
    shippingAddress: shownAddressSchema,
    links: orderLinksSchema.optional(),
    promisedAt: z.string().nullable().optional().describe('Backordered orders: the expectedAt of the supply that covers the last backordered unit; null when none does (docs/design.md §15)'),
  }),
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
    shipBy: isoDate.optional().describe('When the order must have shipped'),
    late: z.boolean().optional().describe('true once shipBy passed before the order shipped'),
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
    countries: z.array(z.string()).optional(),
    dailyCapacity: z.number().int().optional(),
  }),
  'Warehouse',
);
export const warehouseWithSecretSchema = named(
  warehouseSchema.extend({
    signingSecret: z
      .string()
      .optional()
      .describe("Only in the answer that created it: the warehouse's own signing secret (`whsec_…`), created on its first fulfillmentUrl when INTEGRATION_SECRET is unset. Shown once."),
  }),
  'WarehouseWithSecret',
);
export const signingSecretSchema = named(
  z.object({
    signingSecret: z.string().describe('`whsec_…`: messages to the warehouse are signed with it from now on. Shown only here.'),
    previousValidUntil: isoDate.optional().describe('Until then messages also carry a signature under the previous secret (SIGNING_SECRET_GRACE)'),
  }),
  'SigningSecret',
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
  z.object({
    sku: z.string(),
    ...levelFields,
    incoming: z.number().int().describe('Outstanding units of open purchase orders (docs/design.md §15)'),
    inTransit: z.number().int().describe('Shipped by transfers, not yet received; counted at the destination'),
    levels: z.array(z.object({ warehouseId: z.string(), ...levelFields, incoming: z.number().int(), inTransit: z.number().int() })),
    supply: z.array(
      z.object({ warehouseId: z.string(), quantity: z.number().int(), expectedAt: z.string().nullable(), source: z.enum(['purchase_order', 'transfer']), id: z.string() }),
    ),
  }),
  'SkuLevels',
);

export const movementSchema = named(
  z.object({
    id: z.string(),
    warehouseId: z.string(),
    sku: z.string(),
    kind: z.enum(['receipt', 'adjustment', 'reserve', 'release', 'ship', 'return', 'transfer_out', 'transfer_in']),
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
    scope: z.string().optional().describe('`warehouse=<id>` or `channel=<channel>` for a scoped system key (docs/access-control.md)'),
  }),
  'WhoAmI',
);
