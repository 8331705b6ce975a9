/** zod schemas of the webhook and channel routes (docs/design.md §6, §11, §12), registered for OpenAPI. */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types';
import { BIGINT_ID, channelSchema, HTTP_URL_PATTERN, named, NO_CONTROL_CHARS, warehouseIdSchema } from './schemas';
import { shipWithinHoursSchema, sourcingRuleSchema } from './sourcing-schemas';

const isoDate = z.string().describe('ISO 8601 timestamp');

/** http(s) only, and no user:password@ — a credential in a URL ends up in logs. */
export const webhookUrlSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .regex(HTTP_URL_PATTERN, 'must be an absolute http or https URL without credentials')
  .refine((v) => URL.canParse(v), 'must be an absolute URL')
  .refine((v) => !URL.canParse(v) || ['http:', 'https:'].includes(new URL(v).protocol), 'must be an http or https URL')
  .refine((v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''), 'must not carry credentials (user:password@)')
  .describe('Where events are POSTed (http or https)');

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

export const createWebhookBodySchema = named(
  z
    .object({
      url: webhookUrlSchema,
      events: z
        .array(webhookEventTypeSchema)
        .min(1, 'subscribe to at least 1 event type')
        .max(WEBHOOK_EVENT_TYPES.length)
        .refine((e) => new Set(e).size === e.length, 'list each event type once')
        // uniqueItems states the refinement in the document.
        .meta({ description: 'The event types to receive, each once; there is no wildcard, so a type added later is never sent unasked', uniqueItems: true }),
      description: z.string().min(1).max(500).regex(NO_CONTROL_CHARS, 'must not contain control characters').optional(),
    })
    .strict(),
  'CreateWebhookRequest',
);

const subscriptionFields = {
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().optional(),
  createdAt: isoDate,
};
export const webhookSchema = named(
  z.object({
    ...subscriptionFields,
    consecutiveFailures: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('While the receiver is down (refused, timed out, 5xx, 408, 429): failed rounds in a row, a batch that failed together counting once'),
    pausedUntil: isoDate
      .optional()
      .describe('While paused: until then only a requested redelivery is sent; then one delivery, and the backlog once one gets through'),
  }),
  'Webhook',
);
export const webhookCreatedSchema = named(
  z.object({ ...subscriptionFields, secret: z.string().describe('whsec_<base64>: verify signatures with it. Shown only in this answer') }),
  'WebhookCreated',
);
export const webhookListSchema = named(z.object({ webhooks: z.array(webhookSchema) }), 'WebhookList');

export const webhookParamsSchema = z.object({ id: z.string().regex(/^whk_[0-9a-f]{20}$/, 'must be a webhook id (whk_…)') }).strict();
export const deliveryParamsSchema = z
  .object({ id: webhookParamsSchema.shape.id, deliveryId: z.string().regex(BIGINT_ID, 'must be a delivery id') })
  .strict();

export const deliveriesQuerySchema = z
  .object({
    limit: z.coerce.number().int('limit must be an integer').min(1).max(500).default(50).describe('Page size, 1-500 (default 50)'),
    cursor: z.string().regex(BIGINT_ID, 'cursor must be the nextCursor of a previous page').optional(),
    eventId: z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/).optional().describe('Only the delivery of this event'),
  })
  .strict();

export const deliverySchema = named(
  z.object({
    id: z.string(),
    eventId: z.string().describe('Also the webhook-id header of every attempt'),
    type: webhookEventTypeSchema,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    createdAt: isoDate,
    deliveredAt: isoDate.optional(),
    nextAttemptAt: isoDate.optional().describe("While pending; not before the subscription's pausedUntil either, unless redelivered"),
  }),
  'WebhookDelivery',
);
export const deliveryListSchema = named(
  z.object({ deliveries: z.array(deliverySchema), nextCursor: z.string().optional().describe('Pass as cursor for the next (older) page') }),
  'WebhookDeliveryList',
);

// ---------- channels ----------

export const channelParamsSchema = z.object({ channel: channelSchema }).strict();

export const putChannelBodySchema = named(
  z
    .object({
      name: z.string().min(1).max(200).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
      bufferPercent: z
        .number()
        .min(0)
        .max(100)
        // multipleOf rather than a refinement, so the document says it too.
        .multipleOf(0.01, 'at most 2 decimals')
        // zod's multipleOf forgives float error (4.6899999999999995 passes); JSON Schema's readers
        // do not: the number as written must have at most 2 decimals, so both agree.
        .refine((v) => /^\d+(\.\d{1,2})?$/.test(String(v)), 'at most 2 decimals')
        .optional()
        .describe('Share of ATP held back, 0-100 (2 decimals)'),
      bufferUnits: z.number().int().min(0).max(10_000_000).optional().describe('Units held back after the percentage'),
      maxListed: z.number().int().min(0).max(1_000_000_000).nullable().optional().describe('Cap on what is listed; null removes it'),
      warehouseIds: z
        .array(warehouseIdSchema)
        .min(1)
        .max(200)
        .nullable()
        .optional()
        .describe('Sells only from these (active) warehouses; null or absent on create: every active warehouse'),
      sourcing: sourcingRuleSchema.nullable().optional(),
      shipWithinHours: shipWithinHoursSchema.nullable().optional(),
    })
    .strict(),
  'PutChannelRequest',
  'Omitted fields keep their stored values on update',
);

export const channelViewSchema = named(
  z.object({
    id: z.string(),
    name: z.string(),
    bufferPercent: z.number(),
    bufferUnits: z.number().int(),
    maxListed: z.number().int().optional(),
    warehouseIds: z.array(z.string()).optional(),
    sourcing: sourcingRuleSchema.optional(),
    shipWithinHours: z.number().optional(),
    createdAt: isoDate,
    updatedAt: isoDate,
  }),
  'Channel',
);
export const channelListSchema = named(z.object({ channels: z.array(channelViewSchema) }), 'ChannelList');

export const availabilityQuerySchema = z
  .object({
    sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'sku must be a SKU code').optional().describe('Only this SKU'),
    cursor: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'cursor must be the nextCursor of a previous page').optional(),
  })
  .strict();

export const availabilitySchema = named(
  z.object({
    channel: z.string(),
    items: z.array(z.object({ sku: z.string(), available: z.number().int() })),
    nextCursor: z.string().optional().describe('Pass as cursor for the next page (SKUs in code order, 500 a page)'),
  }),
  'ChannelAvailability',
  'available = max(0, min(maxListed, floor(ATP × (1 − bufferPercent/100)) − bufferUnits)), ATP = Σ (on hand − reserved) over the channel’s active warehouses − safetyStock',
);
