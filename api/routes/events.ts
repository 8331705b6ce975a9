/** POST /orders/:orderId/events: warehouse and carrier events. */
import { authorize, eventWarehouse, orderResource } from '../access';
import { notFound } from '../errors';
import { shownTo } from '../personal-data';
import { isRepeatOnRecord } from '../event-repeat';
import type { OrderGateway } from '../order-gateway';
import type { OrderStore } from '../order-store';
import { defineRoute, type AnyRoute } from '../route';
import { markAnsweredFromRecord } from '../answered-from-record';
import { UPDATE_LIMIT_409, UPDATE_LIMIT_RESPONSES } from '../update-limits-doc';
import { orderEventBodySchema, orderIdParamsSchema, orderViewSchema } from '../schemas';

export function eventRoutes(deps: { gateway: OrderGateway; store: OrderStore }): AnyRoute[] {
  const { gateway, store } = deps;
  const postEvent = defineRoute({
    method: 'post',
    path: '/orders/:orderId/events',
    operationId: 'postOrderEvent',
    tag: 'orders',
    summary: 'A warehouse or carrier event',
    description:
      'Executes the `event` Update: `picked`, `pick_failed {reason}`, `packed`, `shipped {carrier, trackingNumber}`, `delivered`, `rejected {reason}` (the warehouse refuses the fulfillment before picking; its units are re-allocated). ' +
      '`fulfillmentId` names the parcel; it may be left out while the order has one active fulfillment. ' +
      'An event that does not fit the current status is refused (409); a repeat of the event that already happened is accepted as a no-op, ' +
      "answered from the order's record without reaching the workflow (so a storm of re-sent events never exhausts Temporal's per-workflow Update limits).",
    access: 'order.event',
    params: orderIdParamsSchema,
    body: orderEventBodySchema,
    responses: {
      200: { description: 'The order after the event', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'Does not fit the current status (error `invalid_transition`, the current status in `status` and `details.status`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
      422: {
        description:
          'The workflow found the event malformed (`invalid_event`), no fulfillment is named while several are active (`fulfillment_required`), or the named one does not exist (`unknown_fulfillment`)',
      },
    },
    async handler({ params, body, res, log, principal }) {
      const record = await store.record(params.orderId);
      if (principal.scope !== undefined) {
        // A warehouse key reports on its own warehouse's fulfillments only (docs/design.md §20): decided before anything moves.
        if (!record) throw notFound(`Order ${params.orderId}`, { orderId: params.orderId });
        authorize(principal, 'order.event', { order: orderResource(record.view), fulfillmentWarehouseId: eventWarehouse(record.view, body.fulfillmentId) });
      }
      if (record && isRepeatOnRecord(record.view, body)) {
        markAnsweredFromRecord(res);
        log.debug('order event repeated', { orderId: params.orderId, type: body.type, fulfillmentId: body.fulfillmentId, status: record.view.status });
        return { status: 200, body: shownTo(principal, store.withLinks(record)) };
      }
      const view = await gateway.event(params.orderId, body);
      log.info('order event', { orderId: params.orderId, type: body.type, fulfillmentId: body.fulfillmentId, status: view.status });
      return { status: 200, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });
  return [postEvent] as AnyRoute[];
}
