/** Warehouses and SKUs: admin writes, every role reads. */
import type { OutboundConfig } from '../../config/outbound';
import { checkDestination } from '../destination-check';
import type { Ledger } from '../../ledger/types';
import type { WarehouseSecretStore } from '../../integrations/stored-secrets';
import { ApiError, notFound } from '../errors';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route';

const emptyBodySchema = z.object({}).strict();
import {
  putSkuBodySchema,
  putWarehouseBodySchema,
  skuParamsSchema,
  skuSchema,
  warehouseListSchema,
  warehouseParamsSchema,
} from '../schemas';
import { signingSecretSchema, warehouseWithSecretSchema } from '../response-schemas';

export interface CatalogDeps {
  ledger: Ledger;
  integrationSecretSet: boolean;
  /** Where a fulfillmentUrl may point (docs/design.md §20, outbound destinations). */
  outbound?: OutboundConfig;
  /** Each HTTP warehouse's own signing secret (docs/design.md §20). */
  secrets: WarehouseSecretStore;
  /** SIGNING_SECRET_GRACE. */
  signingGraceMs: number;
  /** INTEGRATION_SECRET: what a warehouse without its own secret was signed for with, kept beside its first own one for the grace. */
  integrationSecret?: () => string | undefined;
}

export function catalogRoutes(deps: CatalogDeps): AnyRoute[] {
  const { ledger, secrets } = deps;

  const putWarehouse = defineRoute({
    method: 'put',
    path: '/warehouses/:id',
    operationId: 'putWarehouse',
    tag: 'catalog',
    summary: 'Create or update a warehouse',
    access: 'catalog.write',
    params: warehouseParamsSchema,
    body: putWarehouseBodySchema,
    description:
      'With INTEGRATION_SECRET unset, the first PUT that gives the warehouse a `fulfillmentUrl` creates its own signing secret and answers it once as `signingSecret` (docs/access-control.md). ' +
      'With it set, warehouses without a secret of their own are signed for with it (compatibility).',
    responses: {
      201: { description: 'Created', schema: warehouseWithSecretSchema },
      200: { description: 'Updated', schema: warehouseWithSecretSchema },
      422: { description: 'destination_not_allowed: in production, a fulfillmentUrl at a loopback, private, link-local, CGNAT, unique-local or unspecified address or `localhost` (unless OUTBOUND_ALLOWED_NETWORKS lists it)' },
    },
    async handler({ params, body }) {
      if (typeof body.fulfillmentUrl === 'string') checkDestination('fulfillmentUrl', body.fulfillmentUrl, deps.outbound);
      const { warehouse, created } = await ledger.upsertWarehouse({ id: params.id, ...body });
      // A PUT repeated after a lost answer finds the secret made and shows nothing: POST …/signing-secret makes a new one.
      const signingSecret = typeof body.fulfillmentUrl === 'string' && !deps.integrationSecretSet ? await secrets.createIfMissing(warehouse.id) : undefined;
      return {
        status: created ? 201 : 200,
        body: signingSecret === undefined ? warehouse : { ...warehouse, signingSecret },
        headers: created ? { Location: `/warehouses/${encodeURIComponent(warehouse.id)}` } : undefined,
      };
    },
  });

  const rotateSigningSecret = defineRoute({
    method: 'post',
    path: '/warehouses/:id/signing-secret',
    operationId: 'createWarehouseSigningSecret',
    tag: 'catalog',
    summary: "A new signing secret for the warehouse's messages",
    description:
      'Creates the warehouse\'s own signing secret (or replaces it) and answers it once. For SIGNING_SECRET_GRACE (default 24h; 0s: none) messages to the warehouse carry a signature under the new and under the previous secret ' +
      '(its own, or INTEGRATION_SECRET when it had none), space-separated in `webhook-signature`; then only the new one. The body may be absent or `{}`.',
    access: 'warehouse.signing_secret',
    params: warehouseParamsSchema,
    body: emptyBodySchema,
    bodyOptional: true,
    responses: {
      201: { description: 'The new secret, shown only here', schema: signingSecretSchema },
      404: { description: 'No such warehouse' },
    },
    async handler({ params, log, principal }) {
      const known = (await ledger.listWarehouses()).some((w) => w.id === params.id);
      if (!known) throw notFound(`Warehouse ${params.id}`, { warehouseId: params.id });
      const hadOwn = await secrets.hasOwn(params.id);
      const previous = hadOwn ? undefined : deps.integrationSecret?.();
      const signingSecret = await secrets.rotate(params.id, deps.signingGraceMs, previous);
      log.info('warehouse signing secret created', { warehouseId: params.id, by: principal.key, graceMs: deps.signingGraceMs });
      const withPrevious = deps.signingGraceMs > 0 && (hadOwn || previous !== undefined);
      return {
        status: 201,
        body: withPrevious ? { signingSecret, previousValidUntil: new Date(Date.now() + deps.signingGraceMs).toISOString() } : { signingSecret },
      };
    },
  });

  const listWarehouses = defineRoute({
    method: 'get',
    path: '/warehouses',
    operationId: 'listWarehouses',
    tag: 'catalog',
    summary: 'All warehouses',
    access: 'catalog.read',
    responses: { 200: { description: 'The warehouses', schema: warehouseListSchema } },
    async handler() {
      return { status: 200, body: { warehouses: await ledger.listWarehouses() } };
    },
  });

  const putSku = defineRoute({
    method: 'put',
    path: '/skus/:sku',
    operationId: 'putSku',
    tag: 'catalog',
    summary: 'Create or update a SKU',
    access: 'catalog.write',
    params: skuParamsSchema,
    body: putSkuBodySchema,
    responses: {
      201: { description: 'Created', schema: skuSchema },
      200: { description: 'Updated', schema: skuSchema },
      422: { description: 'A kit that names itself or another kit, an unknown component, no components, or a SKU with stock made a kit (docs/design.md §18); `details.field` names the field' },
    },
    async handler({ params, body }) {
      const { components, ...fields } = body;
      let kitCreated: boolean | undefined;
      if (components) {
        // A kit (docs/design.md §18): defined first, then its other fields like any SKU.
        const outcome = await ledger.putKit({ sku: params.sku, name: fields.name, components });
        if ('problem' in outcome) throw new ApiError(422, outcome.problem.code, outcome.problem.message, { field: outcome.problem.field, sku: outcome.problem.sku });
        kitCreated = outcome.created;
      } else if ((await ledger.kits([params.sku]))[params.sku]) {
        throw new ApiError(422, 'kit_components_required', `${params.sku} is a kit: send its components`, { field: 'components', sku: params.sku });
      }
      const { sku, created } = await ledger.upsertSku({ sku: params.sku, ...fields });
      const kit = (await ledger.kits([params.sku]))[params.sku];
      const wasNew = kitCreated ?? created;
      return {
        status: wasNew ? 201 : 200,
        body: kit ? { ...sku, components: kit } : sku,
        headers: wasNew ? { Location: `/skus/${encodeURIComponent(sku.sku)}` } : undefined,
      };
    },
  });

  const getSku = defineRoute({
    method: 'get',
    path: '/skus/:sku',
    operationId: 'getSku',
    tag: 'catalog',
    summary: 'A SKU',
    access: 'catalog.read',
    params: skuParamsSchema,
    responses: {
      200: { description: 'The SKU', schema: skuSchema },
      404: { description: 'Not in the catalog' },
    },
    async handler({ params }) {
      const sku = await ledger.getSku(params.sku);
      if (!sku) throw notFound(`SKU ${params.sku}`, { sku: params.sku });
      const kit = (await ledger.kits([params.sku]))[params.sku];
      return { status: 200, body: kit ? { ...sku, components: kit } : sku };
    },
  });

  return [putWarehouse, rotateSigningSecret, listWarehouses, putSku, getSku] as AnyRoute[];
}
