/** Returns of delivered orders (docs/design.md §13): authorize, read, receive. */
import { authorize, orderResource } from '../access';
import type { OrderStore } from '../order-store';
import { idempotencyKeyOf } from '../ids';
import type { ReturnService } from '../return-service';
import { authorizedReturnSchema, authorizeReturnBodySchema, receiveReturnBodySchema, returnParamsSchema, returnViewSchema } from '../return-schemas';
import { defineRoute, type AnyRoute } from '../route';
import { orderIdParamsSchema } from '../schemas';

export function returnRoutes(deps: { returns: ReturnService; store: OrderStore }): AnyRoute[] {
  const { returns, store } = deps;

  const authorizeReturn = defineRoute({
    method: 'post',
    path: '/orders/:orderId/returns',
    operationId: 'authorizeReturn',
    tag: 'returns',
    summary: 'Authorize a return',
    description:
      'Adds the return to the order\'s record as `authorized` and starts its workflow `return-<returnId>`, which waits for the parcel until RETURN_TIMEOUT (then `expired`, and its units are returnable again). ' +
      'Per SKU, a return takes at most what was delivered minus what earlier returns (authorized or received) took; the check and the insert happen under the order record\'s lock.',
    access: 'return.authorize',
    params: orderIdParamsSchema,
    body: authorizeReturnBodySchema,
    idempotencyKey: 'The return id is derived from it (per order): a re-sent POST with the same key and body answers the same return; with another body, 409 `idempotency_conflict`.',
    responses: {
      201: { description: 'The return, authorized', schema: authorizedReturnSchema },
      404: { description: 'No such order' },
      409: { description: 'The order is not delivered (error `invalid_transition`, its status in `details.status`), or the Idempotency-Key named another return (`idempotency_conflict`)' },
      422: { description: 'More than delivered minus earlier returns (`return_exceeds_delivered`), or a SKU the order did not deliver (`sku_not_in_order`); `details.lines` says which' },
    },
    async handler({ params, body, req, log }) {
      const ret = await returns.authorize(params.orderId, body, idempotencyKeyOf(req));
      log.info('return authorized', { orderId: params.orderId, returnId: ret.returnId });
      const { returnId, orderId, lines, reason, createdAt } = ret;
      return {
        status: 201,
        headers: { Location: `/returns/${encodeURIComponent(returnId)}` },
        body: { returnId, orderId, status: 'authorized', lines, reason, createdAt },
      };
    },
  });

  const getReturn = defineRoute({
    method: 'get',
    path: '/returns/:returnId',
    operationId: 'getReturn',
    tag: 'returns',
    summary: 'A return',
    description: "From the order's record: answers also after the return's workflow has left Temporal.",
    access: 'return.read',
    params: returnParamsSchema,
    responses: {
      200: { description: 'The return', schema: returnViewSchema },
      404: { description: 'No such return' },
    },
    async handler({ params, principal }) {
      const ret = await returns.get(params.returnId);
      if (principal.scope !== undefined) {
        // A return is part of its order: a scoped key reads it when it reads the order (docs/design.md §20).
        const record = await store.record(ret.orderId);
        authorize(principal, 'return.read', record ? { order: orderResource(record.view) } : { order: { channel: '', fulfillmentWarehouseIds: [] } });
      }
      return { status: 200, body: ret };
    },
  });

  const receiveReturn = defineRoute({
    method: 'post',
    path: '/returns/:returnId/receive',
    operationId: 'receiveReturn',
    tag: 'returns',
    summary: 'The returned parcel arrived and was inspected',
    description:
      'Executes the return workflow\'s `receive` Update. `restock` lines go back on hand at `warehouseId` (a `return` movement keyed `<returnId>:receive`, reason `return <returnId>`), `damaged` ones are recorded without stock. ' +
      'Each SKU may be received up to its authorized quantity (a partial parcel is accepted; what did not arrive is not returned). The same receipt sent again answers 200 with the return and changes nothing.',
    access: 'return.receive',
    params: returnParamsSchema,
    body: receiveReturnBodySchema,
    responses: {
      200: { description: 'The return, received', schema: returnViewSchema },
      404: { description: 'No such return' },
      409: { description: 'The return is not `authorized` (error `invalid_transition`, its status in `details.status`)' },
      422: { description: 'A line exceeds the return or names a SKU it lacks (`receipt_exceeds_return`), or the warehouse is unknown (`unknown_warehouse`)' },
    },
    async handler({ params, body, log, principal }) {
      // A warehouse key receives parcels at its own warehouse only.
      authorize(principal, 'return.receive', { warehouseId: body.warehouseId });
      const ret = await returns.receive(params.returnId, body);
      log.info('return received', { returnId: params.returnId, orderId: ret.orderId, warehouseId: ret.warehouseId });
      return { status: 200, body: ret };
    },
  });

  return [authorizeReturn, getReturn, receiveReturn] as AnyRoute[];
}
