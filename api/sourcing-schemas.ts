/** The request and response pieces of sourcing and ship-by (docs/design.md §17). */
import { z } from 'zod';
import { SOURCING_STRATEGIES } from '../ledger/sourcing-types';
import { ISO_COUNTRY_CODES } from './countries';

const country = z.enum(ISO_COUNTRY_CODES, { error: 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "DE"' });

export const countriesSchema = z.array(country).max(249).describe('ISO 3166-1 alpha-2 codes the warehouse ships to fast and cheaply (sourcing `nearest`)');

export const dailyCapacitySchema = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be at least 0')
  .max(1_000_000_000)
  .describe('Fulfillments the warehouse can open per UTC day; once reached it only gets units no other warehouse can fill');

export const sourcingRuleSchema = z
  .object({
    strategy: z.enum(SOURCING_STRATEGIES, { error: `must be one of ${SOURCING_STRATEGIES.join(', ')}` }),
    maxParcels: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000).optional().describe('Never more fulfillments than this; the rest is backordered'),
  })
  .strict()
  .describe('Where the channel\'s orders ship from (default `{"strategy": "priority"}`); a change affects orders placed after it');

export const shipWithinHoursSchema = z
  .number()
  .gt(0, 'must be more than 0')
  .max(24 * 365)
  .describe("An order's shipBy is its creation time plus this, unless the order names its own");

export const sourcingDecisionSchema = z.object({
  warehouseId: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })).describe('What this warehouse holds of the order (empty: passed over)'),
  reason: z.string().describe('Why, in words'),
});

export const sourcingOutcomeSchema = z
  .object({ strategy: z.enum(SOURCING_STRATEGIES), decisions: z.array(sourcingDecisionSchema) })
  .describe('How the last allocation decided where the units go, and why the other warehouses were passed over');
