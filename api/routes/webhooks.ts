/** /webhooks: subscriptions and their delivery log (docs/design.md §11). Admin only: a subscription is a data feed. */
import type { Knex } from 'knex';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions } from '../../webhooks/subscriptions';
import { listDeliveries, redeliver } from '../../webhooks/delivery-log';
import type { OutboundConfig } from '../../config/outbound';
import { checkDestination } from '../destination-check';
import { notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import {
  createWebhookBodySchema,
  deliveriesQuerySchema,
  deliveryListSchema,
  deliveryParamsSchema,
  deliverySchema,
  webhookCreatedSchema,
  webhookListSchema,
  webhookParamsSchema,
} from '../webhook-schemas';
import { emptyQuerySchema } from '../schemas';

export function webhookRoutes(deps: { db: () => Knex; outbound?: OutboundConfig; secretsKey?: Buffer }): AnyRoute[] {
  const { db } = deps;

  const create = defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    tag: 'webhooks',
    summary: 'Subscribe a URL to event types',
    description:
      'Events are POSTed as `{id, type, createdAt, data}`, signed per Standard Webhooks with the returned secret (headers `webhook-id`, `webhook-timestamp`, `webhook-signature`). ' +
      'Delivery is at least once, retried with exponential backoff for WEBHOOK_RETRY_HORIZON (24 h): deduplicate by `webhook-id`. Any 2xx counts as received; other 4xx than 408/409/429 fail the delivery at once. ' +
      'A receiver that is down (refused, timed out, 5xx, 408, 429) pauses the whole subscription on the same backoff: one delivery is tried per pause, and the backlog follows once one gets through (`pausedUntil` in the list).',
    access: 'webhook.manage',
    body: createWebhookBodySchema,
    responses: {
      201: { description: 'Subscribed; the secret is shown only here', schema: webhookCreatedSchema },
      400: { description: 'Bad URL (not http/https, or with credentials) or unknown event type' },
      422: { description: 'destination_not_allowed: in production, a URL at a loopback, private, link-local, CGNAT, unique-local or unspecified address or `localhost` (unless OUTBOUND_ALLOWED_NETWORKS lists it)' },
    },
    async handler({ body }) {
      checkDestination('url', body.url, deps.outbound);
      const sub = await createSubscription(db(), body, deps.secretsKey);
      return { status: 201, body: sub, headers: { Location: `/webhooks/${sub.id}` } };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    tag: 'webhooks',
    summary: 'All subscriptions (without secrets)',
    access: 'webhook.manage',
    responses: { 200: { description: 'The subscriptions', schema: webhookListSchema } },
    async handler() {
      return { status: 200, body: { webhooks: await listSubscriptions(db()) } };
    },
  });

  const remove = defineRoute({
    method: 'delete',
    path: '/webhooks/:id',
    operationId: 'deleteWebhook',
    tag: 'webhooks',
    summary: 'Unsubscribe',
    description: 'Pending deliveries are dropped with it, and its delivery log.',
    access: 'webhook.manage',
    params: webhookParamsSchema,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such subscription' } },
    async handler({ params }) {
      if (!(await deleteSubscription(db(), params.id))) throw notFound(`Webhook ${params.id}`, { id: params.id });
      return { status: 204 };
    },
  });

  const deliveries = defineRoute({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'webhooks',
    summary: 'The delivery log of a subscription, newest first',
    access: 'webhook.manage',
    params: webhookParamsSchema,
    query: deliveriesQuerySchema,
    responses: { 200: { description: 'One page of deliveries', schema: deliveryListSchema }, 404: { description: 'No such subscription' } },
    async handler({ params, query }) {
      if (!(await getSubscription(db(), params.id))) throw notFound(`Webhook ${params.id}`, { id: params.id });
      const page = await listDeliveries(db(), params.id, { limit: query.limit, before: query.cursor, eventId: query.eventId });
      return { status: 200, body: { deliveries: page.deliveries, ...(page.next ? { nextCursor: page.next } : {}) } };
    },
  });

  const again = defineRoute({
    method: 'post',
    path: '/webhooks/:id/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhook',
    tag: 'webhooks',
    summary: 'Send a delivery again',
    description: 'Queues it now, under the same event id (so the same `webhook-id`), with a fresh retry horizon — also when it was delivered or failed. It goes before the rest of the backlog, also while the subscription is paused; its answer ends or extends the pause.',
    access: 'webhook.manage',
    params: deliveryParamsSchema,
    body: emptyQuerySchema,
    bodyOptional: true,
    responses: { 202: { description: 'Queued', schema: deliverySchema }, 404: { description: 'No such delivery of this subscription' } },
    async handler({ params }) {
      const delivery = await redeliver(db(), params.id, params.deliveryId);
      if (!delivery) throw notFound(`Delivery ${params.deliveryId} of webhook ${params.id}`, params);
      return { status: 202, body: delivery };
    },
  });

  return [create, list, remove, deliveries, again] as AnyRoute[];
}
