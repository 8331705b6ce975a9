/** zod schemas of the count routes (docs/design.md §16), registered for OpenAPI. */
import { z } from 'zod';
import { COUNT_SOURCES, COUNT_STATUSES } from '../domain/count';
import { ID_PATTERN, ID_RULE } from './ids';
import { named, skuCodeSchema, text, warehouseIdSchema } from './schemas';

export const MAX_COUNT_LINES = 1_000;
const isoDate = z.string().describe('ISO 8601 timestamp');

export const countIdSchema = z.string().regex(ID_PATTERN, `count id must be ${ID_RULE}`).describe(`count id: ${ID_RULE}`);
export const countParamsSchema = z.object({ id: countIdSchema }).strict();

export const countBodySchema = named(
  z
    .object({
      countId: countIdSchema.optional().describe('Names the count; a repeat with the same body answers 200, with another body 409. Default: from the Idempotency-Key, else a new id'),
      warehouseId: warehouseIdSchema,
      countedAt: z
        .string()
        .datetime({ offset: true, error: 'countedAt must be an ISO 8601 date-time, e.g. 2030-01-31T12:00:00Z' })
        .describe('When the units were counted: the ledger compares with its own on hand as of then'),
      source: z.enum(COUNT_SOURCES as [string, ...string[]]).describe('cycle_count (a few bins) or warehouse_report (a 3PL\'s stock report)'),
      lines: z
        .array(
          z
            .object({
              sku: skuCodeSchema,
              // A negative count is well-formed but impossible: 422 `negative_count` (docs/design.md §16), not a schema error.
              counted: z.number().int('must be an integer').min(-1_000_000_000).max(1_000_000_000).describe('Units physically there at countedAt; negative → 422 `negative_count`'),
            })
            .strict(),
        )
        .min(1, 'must have at least one line')
        .max(MAX_COUNT_LINES, `must have at most ${MAX_COUNT_LINES} lines`)
        .superRefine((lines, ctx) => {
          const seen = new Set<string>();
          lines.forEach((l, i) => {
            if (seen.has(l.sku)) ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: `SKU ${l.sku} appears twice in one count` });
            seen.add(l.sku);
          });
        }),
    })
    .strict(),
  'CountRequest',
);
export type CountBody = z.output<typeof countBodySchema>;

export const rejectCountBodySchema = named(z.object({ reason: text(500).optional() }).strict(), 'RejectCountRequest');

export const countsQuerySchema = z
  .object({
    warehouseId: warehouseIdSchema.optional(),
    status: z.enum(COUNT_STATUSES as [string, ...string[]]).optional(),
    limit: z.coerce.number().int('limit must be an integer').min(1).max(200).default(50).describe('Page size, 1-200 (default 50)'),
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/, 'cursor must be the nextCursor of a previous page').optional(),
  })
  .strict();

export const countViewSchema = named(
  z.object({
    countId: z.string(),
    warehouseId: z.string(),
    countedAt: isoDate,
    source: z.enum(COUNT_SOURCES as [string, ...string[]]),
    status: z.enum(COUNT_STATUSES as [string, ...string[]]),
    lines: z.array(z.object({ sku: z.string(), counted: z.number().int(), expected: z.number().int(), variance: z.number().int() })),
    reallocated: z.array(z.object({ orderId: z.string(), sku: z.string(), quantity: z.number().int() })),
    rejectionReason: z.string().optional(),
    createdAt: isoDate,
    decidedAt: isoDate.optional(),
  }),
  'Count',
);

export const countListSchema = named(z.object({ counts: z.array(countViewSchema), nextCursor: z.string().optional() }), 'CountList');
