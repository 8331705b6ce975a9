/** Transfers between warehouses (docs/design.md §15): request, read, ship, receive, cancel. */
import { authorize } from '../access';
import { ADMIN, READ } from '../auth';
import { idempotencyKeyOf } from '../ids';
import { defineRoute, type AnyRoute } from '../route';
import {
  reasonBodySchema,
  receiveTransferBodySchema,
  requestTransferBodySchema,
  shipTransferBodySchema,
  transferListQuerySchema,
  transferListSchema,
  transferParamsSchema,
  transferSchema,
} from '../stock-motion-schemas';
import type { TransferService } from '../transfer-service';

export function transferRoutes(deps: { transfers: TransferService }): AnyRoute[] {
  const { transfers } = deps;

  const requestTransfer = defineRoute({
    method: 'post',
    path: '/transfers',
    operationId: 'requestTransfer',
    tag: 'transfers',
    summary: 'Move stock between warehouses',
    description: 'The units are reserved at the source at once, like an order\'s, so no order can take them; they are supply at the destination until received. Same id and body → 200; other body → 409.',
    access: ADMIN,
    body: requestTransferBodySchema,
    idempotencyKey: 'The transfer id is derived from it when the body names none.',
    responses: {
      201: { description: 'The transfer, requested', schema: transferSchema },
      200: { description: 'A repeat: the transfer as it stands', schema: transferSchema },
      409: { description: 'Not enough available at the source (`insufficient_stock`, nothing reserved), or the id names another transfer (`idempotency_conflict`)' },
      422: { description: 'from = to (`same_warehouse`), unknown warehouse or SKU (`unknown_warehouse`, `unknown_sku`)' },
    },
    async handler({ body, req, log }) {
      const { created, transfer } = await transfers.request(body, idempotencyKeyOf(req));
      if (created) log.info('transfer requested', { transferId: transfer.transferId });
      return { status: created ? 201 : 200, headers: { Location: `/transfers/${encodeURIComponent(transfer.transferId)}` }, body: transfer };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/transfers',
    operationId: 'listTransfers',
    tag: 'transfers',
    summary: 'Transfers, newest first',
    description: '`warehouseId` matches the source or the destination.',
    access: READ,
    query: transferListQuerySchema,
    responses: { 200: { description: 'One page', schema: transferListSchema } },
    async handler({ query }) {
      const { limit, cursor, ...filters } = query;
      return { status: 200, body: await transfers.list(filters, { limit, cursor }) };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/transfers/:transferId',
    operationId: 'getTransfer',
    tag: 'transfers',
    summary: 'A transfer',
    access: READ,
    params: transferParamsSchema,
    responses: { 200: { description: 'The transfer', schema: transferSchema }, 404: { description: 'No such transfer' } },
    async handler({ params }) {
      return { status: 200, body: await transfers.get(params.transferId) };
    },
  });

  const ship = defineRoute({
    method: 'post',
    path: '/transfers/:transferId/ship',
    operationId: 'shipTransfer',
    tag: 'transfers',
    summary: 'The parcel left',
    description: 'On hand and reserved −q at the source (`transfer_out`); the units are in transit toward the destination. A repeat → 200, nothing moves.',
    access: 'transfer.ship',
    params: transferParamsSchema,
    body: shipTransferBodySchema,
    bodyOptional: true,
    responses: { 200: { description: 'The transfer, in transit', schema: transferSchema }, 404: { description: 'No such transfer' }, 409: { description: 'Cancelled (`invalid_transition`)' } },
    async handler({ params, body, principal }) {
      // A warehouse key ships from its own warehouse only (docs/design.md §20).
      if (principal.scope !== undefined) authorize(principal, 'transfer.ship', { warehouseId: (await transfers.get(params.transferId)).fromWarehouseId });
      return { status: 200, body: await transfers.ship(params.transferId, body) };
    },
  });

  const receive = defineRoute({
    method: 'post',
    path: '/transfers/:transferId/receive',
    operationId: 'receiveTransfer',
    tag: 'transfers',
    summary: 'It arrived',
    description: 'On hand +q at the destination (`transfer_in`), waiting orders woken; units shipped and not received are lost on their line. The same receipt again → 200, nothing moves.',
    access: 'transfer.receive',
    params: transferParamsSchema,
    body: receiveTransferBodySchema,
    responses: {
      200: { description: 'The transfer, received', schema: transferSchema },
      404: { description: 'No such transfer' },
      409: { description: 'Not shipped, cancelled, or another receipt after the first (`invalid_transition`)' },
      422: { description: 'More than shipped, or a SKU not on the transfer (`over_receipt`)' },
    },
    async handler({ params, body, principal }) {
      // A warehouse key receives at its own warehouse only (docs/design.md §20).
      if (principal.scope !== undefined) authorize(principal, 'transfer.receive', { warehouseId: (await transfers.get(params.transferId)).toWarehouseId });
      return { status: 200, body: await transfers.receive(params.transferId, body) };
    },
  });

  const cancel = defineRoute({
    method: 'post',
    path: '/transfers/:transferId/cancel',
    operationId: 'cancelTransfer',
    tag: 'transfers',
    summary: 'Cancel before it ships',
    description: "The source's reservation is released.",
    access: ADMIN,
    params: transferParamsSchema,
    body: reasonBodySchema,
    responses: { 200: { description: 'The transfer, cancelled', schema: transferSchema }, 404: { description: 'No such transfer' }, 409: { description: 'Shipped or received (`invalid_transition`)' } },
    async handler({ params, body }) {
      return { status: 200, body: await transfers.cancel(params.transferId, body.reason) };
    },
  });

  return [requestTransfer, list, get, ship, receive, cancel] as AnyRoute[];
}
