/** /orders: start, read, list, cancel, retry. */
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/config';
import type { OrderInput } from '../../workflows/types';
import { ORDER_SUPPORT, ORDER_WRITE, READ } from '../auth';
import { canonicalHash } from '../canonical';
import { idempotencyKeyOf } from '../ids';
import type { OrderGateway } from '../order-gateway';
import { defineRoute, type AnyRoute } from '../route';
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

export function orderRoutes(deps: { config: Config; orders: OrderGateway }): AnyRoute[] {
  const { config, orders } = deps;

  const createOrder = defineRoute({
    method: 'post',
    path: '/orders',
    operationId: 'createOrder',
    tag: 'orders',
    summary: 'Start an order',
    description:
      'Starts the order workflow `order-<orderId>`. The order id is the body\'s `orderId`, else the `Idempotency-Key` header, else generated. ' +
      'Sending the same order id (or key) with the same body again answers 200 with the same order and starts nothing; with another body, 409. ' +
      'Unknown SKUs are not checked here: the workflow validates the order and ends it `rejected`.',
    access: ORDER_WRITE,
    query: emptyQuerySchema,
    body: createOrderBodySchema,
    idempotencyKey: 'Used as the order id when the body has no orderId (same rules as orderId).',
    responses: {
      202: { description: 'Order accepted; its workflow started', schema: orderAcceptedSchema },
      200: { description: 'The same request was sent before: the existing order, nothing started', schema: orderAcceptedSchema },
      409: { description: 'An order with this id exists with a different body (error `order_conflict`)' },
    },
    async handler({ body, req, log }) {
      // The key only matters (and is only checked) when it becomes the order id.
      const orderId = body.orderId ?? idempotencyKeyOf(req) ?? randomUUID();
      const request = {
        orderId,
        channel: body.channel,
        customer: body.customer,
        shippingAddress: body.shippingAddress,
        lines: body.lines,
        shippingMethod: body.shippingMethod,
      };
      const input: OrderInput = { ...request, timeouts: config.timeouts };
      const result = await orders.start(input, canonicalHash(request));
      log.info(result.created ? 'order started' : 'order request repeated', { orderId, status: result.status });
      const links = orders.links(orderId);
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
      'Filters through Temporal visibility (search attributes OrderStatus, CustomerId, Channel, Skus, WarehouseIds; createdAfter and createdBefore on the workflow start time), so a change shows up after a short delay. ' +
      'Newest first in the server\'s order (running orders by start time, then closed ones by close time). Page with `cursor` = the previous `nextCursor`.',
    access: READ,
    query: listOrdersQuerySchema,
    responses: { 200: { description: 'One page of orders', schema: orderListSchema } },
    async handler({ query }) {
      const page = await orders.list(
        {
          statuses: query.status?.split(','),
          customerId: query.customerId,
          sku: query.sku,
          channel: query.channel,
          warehouseId: query.warehouseId,
          createdAfter: query.createdAfter,
          createdBefore: query.createdBefore,
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
    description: "The answer of the workflow's `status` query (closed orders too: a worker replays them). 503 when no worker answers in time.",
    access: READ,
    params: orderIdParamsSchema,
    responses: {
      200: { description: 'The order', schema: orderViewSchema },
      404: { description: 'No such order' },
    },
    async handler({ params }) {
      const view = await orders.view(params.orderId);
      return { status: 200, body: { ...view, links: orders.links(params.orderId) } };
    },
  });

  const cancelOrder = defineRoute({
    method: 'post',
    path: '/orders/:orderId/cancel',
    operationId: 'cancelOrder',
    tag: 'orders',
    summary: 'Cancel an order (compensations run)',
    description: 'Executes the `cancel` Update: reserved stock goes back, the pick task and label are voided. Refused (409) once shipped or terminal.',
    access: ORDER_SUPPORT,
    params: orderIdParamsSchema,
    body: cancelBodySchema,
    responses: {
      200: { description: 'Cancelled: the final state of the order (status "cancelled")', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'Shipped or terminal (error `invalid_transition`, the current status in `status` and `details.status`)' },
    },
    async handler({ params, body, log }) {
      const view = await orders.cancel(params.orderId, body.reason);
      log.info('order cancelled', { orderId: params.orderId });
      return { status: 200, body: { ...view, links: orders.links(params.orderId) } };
    },
  });

  const retryOrder = defineRoute({
    method: 'post',
    path: '/orders/:orderId/retry',
    operationId: 'retryOrder',
    tag: 'orders',
    summary: 'Retry the failed step',
    description: 'Executes the `retry` Update, accepted only in `needs_attention`. The body may be absent or `{}`.',
    access: ORDER_SUPPORT,
    params: orderIdParamsSchema,
    body: emptyBodySchema,
    bodyOptional: true,
    responses: {
      202: { description: 'The step is being retried: the order as the retry started', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'Not in needs_attention (error `invalid_transition`, the current status in `status` and `details.status`)' },
    },
    async handler({ params, log }) {
      const view = await orders.retry(params.orderId);
      log.info('order retry', { orderId: params.orderId, status: view.status });
      return { status: 202, body: { ...view, links: orders.links(params.orderId) } };
    },
  });

  // Specific paths before parameterised ones (express matches in order).
  return [createOrder, listOrders, getOrder, cancelOrder, retryOrder] as AnyRoute[];
}
