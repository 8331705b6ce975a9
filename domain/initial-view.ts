/** What an accepted order looks like before its workflow has moved it: shared by the workflow and the API's intake. Pure. */
import type { OrderInput, OrderView } from './types';

export function initialView(input: OrderInput, at: string): OrderView {
  return {
    orderId: input.orderId,
    status: 'received',
    channel: input.channel,
    customer: input.customer,
    shippingAddress: input.shippingAddress,
    shippingMethod: input.shippingMethod,
    lines: input.lines,
    allocations: [],
    backordered: [],
    fulfillments: [],
    holds: [],
    history: [{ at, status: 'received' }],
    edits: 0,
    ...(input.shipBy === undefined ? {} : { shipBy: input.shipBy }),
  };
}
