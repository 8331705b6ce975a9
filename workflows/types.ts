/** Pure types shared by the workflow, its activities and the API. No runtime imports. */
import type { Allocation, OrderLine } from '../ledger/types';
import type { OrderTimeouts } from '../config/config';

export type { Allocation, OrderLine, OrderTimeouts };

export const ORDER_STATUSES = [
  'received',
  'awaiting_stock',
  'reserved',
  'picking',
  'packing',
  'shipping',
  'shipped',
  'needs_attention',
  'delivered',
  'rejected',
  'cancelled',
  'timed_out',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['delivered', 'rejected', 'cancelled', 'timed_out'];

export interface Customer {
  id: string;
  email?: string;
  name?: string;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export type ShippingMethod = 'standard' | 'express';

/** The order as accepted over HTTP, plus what the server fixes at start. */
export interface OrderInput {
  orderId: string;
  channel: string;
  customer: Customer;
  shippingAddress: ShippingAddress;
  lines: OrderLine[];
  shippingMethod: ShippingMethod;
  /** Fixed at start so every replay of this order sees the same durations. */
  timeouts: OrderTimeouts;
}

export type OrderEventType = 'picked' | 'pick_failed' | 'packed' | 'shipped' | 'delivered';

export type OrderEvent =
  | { type: 'picked' }
  | { type: 'pick_failed'; reason: string }
  | { type: 'packed' }
  | { type: 'shipped'; carrier: string; trackingNumber: string }
  | { type: 'delivered' };

export interface Shipment {
  carrier: string;
  trackingNumber: string;
  labelId?: string;
  shippedAt?: string;
  deliveredAt?: string;
}

export interface HistoryEntry {
  at: string;
  status: OrderStatus;
  note?: string;
}

export interface OrderError {
  step: string;
  type?: string;
  message: string;
  at: string;
}

/** What `GET /orders/:id` shows: the answer of the workflow's `status` query. */
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  channel: string;
  customer: Customer;
  shippingAddress: ShippingAddress;
  shippingMethod: ShippingMethod;
  lines: OrderLine[];
  allocations: Allocation[];
  backordered: OrderLine[];
  pickTaskId?: string;
  shipment?: Shipment;
  history: HistoryEntry[];
  lastError?: OrderError;
  /** The step `retry` re-runs while in needs_attention. */
  failedStep?: string;
  cancelReason?: string;
}

export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;
