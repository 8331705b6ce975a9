/** /orders: start, read, list, cancel, retry. */
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/config';
import type { OrderInput, OrderStatus } from '../../domain/types';
import { authorize, orderResource } from '../access';
import { listScope } from '../authorization';
import { shownTo } from '../personal-data';
import type { SourcingRule } from '../../ledger/sourcing-types';
import { canonicalHash } from '../canonical';
import { idempotencyKeyOf } from '../ids';
import { checkUnitLimits, unitLimitsDoc } from '../unit-limits';
import type { OrderGateway } from '../order-gateway';
import type { OrderStore } from '../order-store';
import { defineRoute, type AnyRoute } from '../route';
import { markAnsweredFromRecord } from '../answered-from-record';
import { UPDATE_LIMIT_409, UPDATE_LIMIT_RESPONSES } from '../update-limits-doc';
import {
  cancelBodySchema,
  createOrderBodySchema,
  emptyQuerySchema,
  listOrdersQuerySchema,
  orderAcceptedSchema,
  orderIdParamsSchema,
  orderListSchema,
  orderViewSchema,
} from '../schemas';
import { z } from 'zod';

const emptyBodySchema = z.object({}).strict();

/** What an order is placed with from its channel (docs/design.md §17). */
export type ChannelTerms = (channel: string) => Promise<{ sourcing?: SourcingRule; shipWithinHours?: number }>;

/** The body's shipBy (normalised to UTC), else creation plus the channel's shipWithinHours, else none. */
export function shipByOf(bodyShipBy: string | undefined, createdAt: Date, shipWithinHours: number | undefined): string | undefined {
  if (bodyShipBy !== undefined) return new Date(bodyShipBy).toISOString();
  if (shipWithinHours === undefined) return undefined;
  return new Date(createdAt.getTime() + Math.round(shipWithinHours * 3_600_000)).toISOString();
}

export function orderRoutes(deps: { config: Config; gateway: OrderGateway; store: OrderStore; channelTerms?: ChannelTerms }): AnyRoute[] {
  const { config, gateway, store } = deps;

  const createOrder = defineRoute({
    method: 'post',
    path: '/orders',
    operationId: 'createOrder',
    tag: 'orders',
    summary: 'Start an order',
    description:
      'Records the order, then starts its workflow `order-<orderId>`. The order id is the body\'s `orderId`, else the `Idempotency-Key` header, else generated. ' +
      'An order id, once accepted, is taken for ever: the same id (or key) with the same body again answers 200 with the same order and starts nothing — also long after its workflow left Temporal; with another body, 409. ' +
      'Unknown SKUs are not checked here: the workflow validates the order and ends it `rejected`. ' +
      unitLimitsDoc(config.limits),
    access: 'order.create',
    query: emptyQuerySchema,
    body: createOrderBodySchema,
    idempotencyKey:
      'Used as the order id when the body has no orderId (same rules as orderId). A key names one order for ever: sent again with another order id it is refused (409 `idempotency_conflict`).',
    responses: {
      202: { description: 'Order accepted; its workflow started', schema: orderAcceptedSchema },
      200: { description: 'The same request was sent before: the existing order, nothing started', schema: orderAcceptedSchema },
      409: { description: 'An order with this id exists with a different body (`order_conflict`), or the Idempotency-Key names another order (`idempotency_conflict`)' },
    },
    async handler({ body, req, res, log, principal }) {
      // A channel key creates orders on its own channel only (docs/design.md §20).
      authorize(principal, 'order.create', { channel: body.channel });
      checkUnitLimits(body.lines, config.limits);
      // Checked always; it names one order for ever (409 when sent again with another order id).
      const key = idempotencyKeyOf(req);
      const orderId = body.orderId ?? key ?? randomUUID();
      const request = {
        orderId,
        channel: body.channel,
        customer: body.customer,
        shippingAddress: body.shippingAddress,
        lines: body.lines,
        shippingMethod: body.shippingMethod,
        ...(body.shipBy === undefined ? {} : { shipBy: body.shipBy }),
      };
      // The channel's terms are fixed into the order here, not hashed: a repeat of the same
      // request after the channel changed is still the same order.
      const terms = deps.channelTerms ? await deps.channelTerms(body.channel) : {};
      const createdAt = new Date();
      const shipBy = shipByOf(body.shipBy, createdAt, terms.shipWithinHours);
      const input: OrderInput = {
        ...request,
        timeouts: config.timeouts,
        ...(terms.sourcing ? { sourcing: terms.sourcing } : {}),
        ...(shipBy === undefined ? {} : { shipBy }),
      };
      const result = await store.accept(input, canonicalHash(request), key, createdAt);
      log.info(result.created ? 'order started' : 'order request repeated', { orderId, status: result.status });
      if (!result.created) markAnsweredFromRecord(res);
      const links = store.links(orderId);
      return {
        status: result.created ? 202 : 200,
        headers: { Location: links.self },
        body: { orderId, status: result.status, links },
      };
    },
  });

  const listOrders = defineRoute({
    method: 'get',
    path: '/orders',
    operationId: 'listOrders',
    tag: 'orders',
    summary: 'List orders',
    description:
      'Reads the order records with SQL: an order is listed as soon as `POST /orders` answered, and for ever after. ' +
      'Newest first (by the time the order was accepted). Page with `cursor` = the previous `nextCursor` (with the same filters; a cursor is signed, a bad one answers 400).',
    access: 'order.list',
    query: listOrdersQuerySchema,
    responses: {
      200: { description: 'One page of orders', schema: orderListSchema },
      400: { description: 'A bad filter, or a cursor that is not the nextCursor of a previous page with the same filters (error `invalid_cursor`)' },
    },
    async handler({ query, principal }) {
      // A scoped key lists only what it may read: its channel's orders, or its warehouse's.
      const scope = listScope(principal);
      if ((scope.channel !== undefined && query.channel !== undefined && query.channel !== scope.channel) || (scope.warehouseId !== undefined && query.warehouseId !== undefined && query.warehouseId !== scope.warehouseId)) {
        return { status: 200, body: { orders: [] } };
      }
      const page = await store.list(
        {
          status: query.status?.split(',') as OrderStatus[] | undefined,
          customerId: query.customerId,
          sku: query.sku,
          channel: scope.channel ?? query.channel,
          warehouseId: scope.warehouseId ?? query.warehouseId,
          ...(scope.warehouseId !== undefined ? { fulfilledAt: scope.warehouseId } : {}),
          createdAfter: query.createdAfter ? new Date(query.createdAfter) : undefined,
          createdBefore: query.createdBefore ? new Date(query.createdBefore) : undefined,
          shipByBefore: query.shipByBefore,
        },
        query.limit,
        query.cursor,
      );
      return { status: 200, body: page };
    },
  });

  const getOrder = defineRoute({
    method: 'get',
    path: '/orders/:orderId',
    operationId: 'getOrder',
    tag: 'orders',
    summary: "An order's state",
    description:
      "The order's record: what the workflow showed at its last transition. It answers for every order ever accepted, also after its workflow left Temporal, and with no worker running. `links.temporalUi` names the workflow run it belongs to.",
    access: 'order.read',
    params: orderIdParamsSchema,
    responses: {
      200: { description: 'The order', schema: orderViewSchema },
      404: { description: 'No such order' },
    },
    async handler({ params, principal }) {
      const view = await store.view(params.orderId);
      authorize(principal, 'order.read', { order: orderResource(view) });
      return { status: 200, body: shownTo(principal, view) };
    },
  });

  const cancelOrder = defineRoute({
    method: 'post',
    path: '/orders/:orderId/cancel',
    operationId: 'cancelOrder',
    tag: 'orders',
    summary: 'Cancel an order (compensations run)',
    description: 'Executes the `cancel` Update: reserved stock goes back, the pick task and label are voided. Refused (409) once shipped or terminal.',
    access: 'order.cancel',
    params: orderIdParamsSchema,
    body: cancelBodySchema,
    responses: {
      200: { description: 'Cancelled: the final state of the order (status "cancelled")', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'Shipped or terminal (error `invalid_transition`, the current status in `status` and `details.status`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, body, log, principal }) {
      const view = await gateway.cancel(params.orderId, body.reason);
      log.info('order cancelled', { orderId: params.orderId });
      return { status: 200, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });

  const retryOrder = defineRoute({
    method: 'post',
    path: '/orders/:orderId/retry',
    operationId: 'retryOrder',
    tag: 'orders',
    summary: 'Retry the failed step',
    description: 'Executes the `retry` Update, accepted only in `needs_attention`. The body may be absent or `{}`.',
    access: 'order.retry',
    params: orderIdParamsSchema,
    body: emptyBodySchema,
    bodyOptional: true,
    responses: {
      202: { description: 'The step is being retried: the order as the retry started', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'Not in needs_attention (error `invalid_transition`, the current status in `status` and `details.status`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
    },
    async handler({ params, log, principal }) {
      const view = await gateway.retry(params.orderId);
      log.info('order retry', { orderId: params.orderId, status: view.status });
      return { status: 202, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });

  // Specific paths before parameterised ones (express matches in order).
  return [createOrder, listOrders, getOrder, cancelOrder, retryOrder] as AnyRoute[];
}
