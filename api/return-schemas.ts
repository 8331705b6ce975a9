/** zod schemas of the return routes (docs/design.md §6, §13), registered for OpenAPI. */
import { z } from 'zod';
import { RETURN_DISPOSITIONS } from '../domain/types';
import { ID_PATTERN, ID_RULE } from './ids';
import { lineQuantitySchema, named, orderLineSchema, returnViewSchema, skuCodeSchema, text, warehouseIdSchema } from './schemas';

export const returnIdSchema = z.string().regex(ID_PATTERN, `return id must be ${ID_RULE}`).describe(`return id: ${ID_RULE}`);
export const returnParamsSchema = z.object({ returnId: returnIdSchema }).strict();

export const authorizeReturnBodySchema = named(
  z
    .object({
      lines: z.array(orderLineSchema).min(1, 'a return needs at least 1 line').max(100, 'a return has at most 100 lines'),
      reason: text(500),
    })
    .strict(),
  'AuthorizeReturnRequest',
);

export const inspectedLineSchema = named(
  z
    .object({
      sku: skuCodeSchema,
      quantity: lineQuantitySchema,
      disposition: z.enum(RETURN_DISPOSITIONS, { error: `must be one of ${RETURN_DISPOSITIONS.join(', ')}` }),
    })
    .strict(),
  'InspectedLine',
);

export const receiveReturnBodySchema = named(
  z
    .object({
      warehouseId: warehouseIdSchema.describe('The warehouse that received the parcel: restocked units go on hand there'),
      lines: z.array(inspectedLineSchema).min(1, 'a receipt needs at least 1 line').max(200),
    })
    .strict(),
  'ReceiveReturnRequest',
);

export const authorizedReturnSchema = named(
  z.object({
    returnId: z.string(),
    orderId: z.string(),
    status: z.literal('authorized'),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
    reason: z.string(),
    createdAt: z.string(),
  }),
  'AuthorizedReturn',
);

export { returnViewSchema };
