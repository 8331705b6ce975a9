/** Request schemas of warehouses, SKUs and stock movements (/warehouses, /skus, /inventory). */
import { z } from 'zod';
import { ID_LIST_PATTERN } from './ids';
import { peerUrlProblem } from '../integrations/peer-url';
import { named } from './schema-registry';
import { BIGINT_ID, HTTP_URL_PATTERN, skuCodeSchema, text, warehouseIdSchema } from './schema-primitives';
import { countriesSchema, dailyCapacitySchema } from './sourcing-schemas';

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
      countries: countriesSchema.nullable().optional(),
      dailyCapacity: dailyCapacitySchema.nullable().optional(),
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
