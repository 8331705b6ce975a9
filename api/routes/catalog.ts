/** Warehouses and SKUs: admin writes, every role reads. */
import type { OutboundConfig } from '../../config/outbound';
import { checkDestination } from '../destination-check';
import type { Ledger } from '../../ledger/types';
import { ADMIN, READ } from '../auth';
import { ApiError, notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import {
  putSkuBodySchema,
  putWarehouseBodySchema,
  skuParamsSchema,
  skuSchema,
  warehouseListSchema,
  warehouseParamsSchema,
  warehouseSchema,
} from '../schemas';

export function catalogRoutes(deps: { ledger: Ledger; integrationSecretSet: boolean; outbound?: OutboundConfig }): AnyRoute[] {
  const { ledger } = deps;

  const putWarehouse = defineRoute({
    method: 'put',
    path: '/warehouses/:id',
    operationId: 'putWarehouse',
    tag: 'catalog',
    summary: 'Create or update a warehouse',
    access: ADMIN,
    params: warehouseParamsSchema,
    body: putWarehouseBodySchema,
    responses: {
      201: { description: 'Created', schema: warehouseSchema },
      200: { description: 'Updated', schema: warehouseSchema },
      409: { description: 'integration_secret_missing: a fulfillmentUrl needs INTEGRATION_SECRET configured' },
      422: { description: 'destination_not_allowed: in production, a fulfillmentUrl at a loopback, private, link-local, CGNAT, unique-local or unspecified address or `localhost` (unless OUTBOUND_ALLOWED_NETWORKS lists it)' },
    },
    async handler({ params, body }) {
      if (typeof body.fulfillmentUrl === 'string') checkDestination('fulfillmentUrl', body.fulfillmentUrl, deps.outbound);
      // Refused here rather than at the first order: unsigned requests are never sent, so a URL
      // without a secret would park every order of this warehouse in needs_attention.
      if (typeof body.fulfillmentUrl === 'string' && !deps.integrationSecretSet) {
        throw new ApiError(409, 'integration_secret_missing', 'INTEGRATION_SECRET is not configured: a warehouse cannot get a fulfillmentUrl until it is (requests to it are signed with that secret)');
      }
      const { warehouse, created } = await ledger.upsertWarehouse({ id: params.id, ...body });
      return { status: created ? 201 : 200, body: warehouse, headers: created ? { Location: `/warehouses/${encodeURIComponent(warehouse.id)}` } : undefined };
    },
  });

  const listWarehouses = defineRoute({
    method: 'get',
    path: '/warehouses',
    operationId: 'listWarehouses',
    tag: 'catalog',
    summary: 'All warehouses',
    access: READ,
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
    access: ADMIN,
    params: skuParamsSchema,
    body: putSkuBodySchema,
    responses: {
      201: { description: 'Created', schema: skuSchema },
      200: { description: 'Updated', schema: skuSchema },
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
    access: READ,
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

  return [putWarehouse, listWarehouses, putSku, getSku] as AnyRoute[];
}
