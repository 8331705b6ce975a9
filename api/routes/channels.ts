/** /channels: sales channels and what each may list (docs/design.md §12). */
import type { Knex } from 'knex';
import { availabilityPage } from '../../channels/availability';
import { getChannelRow, listChannels, upsertChannel } from '../../channels/store';
import { authorize } from '../access';
import { notFound } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { availabilityQuerySchema, availabilitySchema, channelListSchema, channelParamsSchema, channelViewSchema, putChannelBodySchema } from '../webhook-schemas';

export function channelRoutes(deps: { db: () => Knex }): AnyRoute[] {
  const { db } = deps;

  const put = defineRoute({
    method: 'put',
    path: '/channels/:channel',
    operationId: 'putChannel',
    tag: 'channels',
    summary: 'Create or update a sales channel',
    access: 'channel.write',
    params: channelParamsSchema,
    body: putChannelBodySchema,
    responses: {
      201: { description: 'Created', schema: channelViewSchema },
      200: { description: 'Updated', schema: channelViewSchema },
    },
    async handler({ params, body }) {
      const { channel, created } = await upsertChannel(db(), { id: params.channel, ...body });
      return { status: created ? 201 : 200, body: channel, headers: created ? { Location: `/channels/${encodeURIComponent(channel.id)}` } : undefined };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/channels',
    operationId: 'listChannels',
    tag: 'channels',
    summary: 'All sales channels',
    access: 'channel.read',
    responses: { 200: { description: 'The channels', schema: channelListSchema } },
    async handler() {
      return { status: 200, body: { channels: await listChannels(db()) } };
    },
  });

  const availability = defineRoute({
    method: 'get',
    path: '/channels/:channel/availability',
    operationId: 'getChannelAvailability',
    tag: 'channels',
    summary: 'What the channel may list, per SKU',
    description: 'Read from the ledger at the time of the request; SKUs in code order, 500 a page. `inventory.available_changed` webhooks announce changes.',
    access: 'availability.read',
    params: channelParamsSchema,
    query: availabilityQuerySchema,
    responses: { 200: { description: 'One page', schema: availabilitySchema }, 404: { description: 'No such channel' } },
    async handler({ params, query, principal }) {
      // A channel key reads its own channel's availability; another channel is 404 to it.
      authorize(principal, 'availability.read', { channel: params.channel });
      const channel = await getChannelRow(db(), params.channel);
      if (!channel) throw notFound(`Channel ${params.channel}`, { channel: params.channel });
      const page = await availabilityPage(db(), channel, { after: query.cursor, sku: query.sku });
      return { status: 200, body: { channel: channel.id, items: page.items, ...(page.next ? { nextCursor: page.next } : {}) } };
    },
  });

  return [put, list, availability] as AnyRoute[];
}
