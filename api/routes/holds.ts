/** /orders/:orderId/holds: place and release holds (docs/design.md §5 "Holds"). */
import { createHash, randomBytes } from 'node:crypto';
import { actorOf, type Principal } from '../../domain/principal';
import { authorize, orderResource } from '../access';
import type { Action } from '../authorization';
import { notFound } from '../errors';
import type { OrderStore } from '../order-store';
import { shownTo } from '../personal-data';
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

export function holdRoutes(deps: { gateway: OrderGateway; store: OrderStore }): AnyRoute[] {
  const { gateway, store } = deps;

  /** A channel key holds and releases its own channel's orders only; others are 404 to it (docs/design.md §20). */
  async function authorizeOn(principal: Principal, action: Action, orderId: string): Promise<void> {
    if (principal.scope === undefined) return authorize(principal, action);
    const record = await store.record(orderId);
    if (!record) throw notFound(`Order ${orderId}`, { orderId });
    authorize(principal, action, { order: orderResource(record.view) });
  }

  const placeHold = defineRoute({
    method: 'post',
    path: '/orders/:orderId/holds',
    operationId: 'placeHold',
    tag: 'orders',
    summary: 'Place a hold',
    description:
      'Executes the `hold` Update: the order is `on_hold` while any hold is active; open pick tasks are cancelled (the stock stays held). ' +
      'Accepted in received, awaiting_stock, reserved, picking, packing and on_hold; refused (409) from shipping on. A hold with `until` releases itself then.',
    access: 'order.hold',
    params: orderIdParamsSchema,
    body: holdBodySchema,
    idempotencyKey: 'The hold id is derived from it: a re-sent POST with the same key places one hold and answers it again.',
    responses: {
      201: { description: 'The hold placed', schema: placedHoldSchema },
      404: { description: 'No such order' },
      409: {
        description:
          'Shipping, shipped or terminal (error `invalid_transition`, the current status in `status` and `details.status`), or the order has had 50 holds (`too_many_holds`)' + UPDATE_LIMIT_409,
      },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, body, req, log, principal }) {
      await authorizeOn(principal, 'order.hold', params.orderId);
      const holdId = holdIdFor(params.orderId, idempotencyKeyOf(req));
      const hold = await gateway.hold(params.orderId, { holdId, ...body, placedBy: actorOf(principal) });
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
    access: 'order.release',
    params: holdParamsSchema,
    responses: {
      200: { description: 'The order after the release', schema: orderViewSchema },
      404: { description: 'No such order (`not_found`), or the order has no such hold (`hold_not_found`)' },
      409: { description: 'The order is closed (error `invalid_transition`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, log, principal }) {
      await authorizeOn(principal, 'order.release', params.orderId);
      const view = await gateway.releaseHold(params.orderId, params.holdId, actorOf(principal));
      log.info('hold released', { orderId: params.orderId, holdId: params.holdId, status: view.status, by: principal.key });
      return { status: 200, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });

  return [placeHold, releaseHold] as AnyRoute[];
}
