/** /orders/:orderId/holds: place and release holds (docs/design.md §5 "Holds"). */
import { createHash, randomBytes } from 'node:crypto';
import { ORDER_HOLD } from '../auth';
import { idempotencyKeyOf } from '../ids';
import type { OrderGateway } from '../order-gateway';
import { defineRoute, type AnyRoute } from '../route';
import { UPDATE_LIMIT_409, UPDATE_LIMIT_RESPONSES } from '../update-limits-doc';
import { holdBodySchema, holdParamsSchema, orderIdParamsSchema, orderViewSchema, placedHoldSchema } from '../schemas';

/** From the Idempotency-Key when given (per order), so a re-sent POST names the same hold and places it once. */
function holdIdFor(orderId: string, key: string | undefined): string {
  if (key === undefined) return `hold-${randomBytes(8).toString('hex')}`;
  return `hold-${createHash('sha256').update(`${orderId}\0${key}`).digest('hex').slice(0, 16)}`;
}

export function holdRoutes(deps: { gateway: OrderGateway }): AnyRoute[] {
  const { gateway } = deps;

  const placeHold = defineRoute({
    method: 'post',
    path: '/orders/:orderId/holds',
    operationId: 'placeHold',
    tag: 'orders',
    summary: 'Place a hold',
    description:
      'Executes the `hold` Update: the order is `on_hold` while any hold is active; open pick tasks are cancelled (the stock stays held). ' +
      'Accepted in received, awaiting_stock, reserved, picking, packing and on_hold; refused (409) from shipping on. A hold with `until` releases itself then.',
    access: ORDER_HOLD,
    params: orderIdParamsSchema,
    body: holdBodySchema,
    idempotencyKey: 'The hold id is derived from it: a re-sent POST with the same key places one hold and answers it again.',
    responses: {
      201: { description: 'The hold placed', schema: placedHoldSchema },
      404: { description: 'No such order' },
      409: { description: 'Shipping, shipped or terminal (error `invalid_transition`, the current status in `status` and `details.status`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, body, req, log }) {
      const holdId = holdIdFor(params.orderId, idempotencyKeyOf(req));
      const hold = await gateway.hold(params.orderId, { holdId, ...body });
      log.info('hold placed', { orderId: params.orderId, holdId, reason: hold.reason });
      const placed = { holdId: hold.holdId, reason: hold.reason, note: hold.note, until: hold.until, placedAt: hold.placedAt };
      return {
        status: 201,
        headers: { Location: `${gateway.links(params.orderId).self}/holds/${encodeURIComponent(hold.holdId)}` },
        body: Object.fromEntries(Object.entries(placed).filter(([, v]) => v !== undefined)),
      };
    },
  });

  const releaseHold = defineRoute({
    method: 'delete',
    path: '/orders/:orderId/holds/:holdId',
    operationId: 'releaseHold',
    tag: 'orders',
    summary: 'Release a hold',
    description: 'Executes the `releaseHold` Update. When the last active hold goes, the order moves on from where it stopped.',
    access: ORDER_HOLD,
    params: holdParamsSchema,
    responses: {
      200: { description: 'The order after the release', schema: orderViewSchema },
      404: { description: 'No such order (`not_found`), or the order has no such hold (`hold_not_found`)' },
      409: { description: 'The order is closed (error `invalid_transition`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, log }) {
      const view = await gateway.releaseHold(params.orderId, params.holdId);
      log.info('hold released', { orderId: params.orderId, holdId: params.holdId, status: view.status });
      return { status: 200, body: { ...view, links: gateway.links(params.orderId) } };
    },
  });

  return [placeHold, releaseHold] as AnyRoute[];
}
