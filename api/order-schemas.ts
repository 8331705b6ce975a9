/** Request schemas of orders and what is done to them: create, list, cancel, warehouse events, holds, edits. */
import { z } from 'zod';
import { ISO_COUNTRY_CODES } from './countries';
import { ID_RULE } from './ids';
import { named } from './schema-registry';
import { channelSchema, identifier, orderIdSchema, skuCodeSchema, text, warehouseIdSchema } from './schema-primitives';
import { MAX_LINE_QUANTITY } from '../domain/limits';
import { HOLD_REASONS, ORDER_STATUSES, type OrderEvent } from '../domain/types';

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
      // RFC 5321 caps the local part at 64 octets; the document's `format: email` says so (the contract fuzz sent 103).
      email: z
        .email()
        .max(254)
        .refine((v) => v.slice(0, v.lastIndexOf('@')).length <= 64, { message: 'the part before @ must be at most 64 characters' })
        .optional(),
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

/** Units of one line: an order's, a return's, an inspected one (domain/limits.ts). */
export const lineQuantitySchema = z.number().int('must be an integer').min(1, 'must be at least 1').max(MAX_LINE_QUANTITY, `must be at most ${MAX_LINE_QUANTITY}`);

export const orderLineSchema = named(
  z
    .object({
      sku: skuCodeSchema,
      quantity: lineQuantitySchema,
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
      shipBy: z.iso
        .datetime({ offset: true, error: 'shipBy must be an ISO 8601 date-time, e.g. 2030-01-31T12:00:00Z' })
        .optional()
        .describe("When the order must have shipped (docs/design.md §17); absent: creation plus the channel's shipWithinHours, if it has one"),
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
    shipByBefore: createdBound('shipByBefore', 'Only open orders (not shipped, not closed) whose shipBy is before this time'),
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
