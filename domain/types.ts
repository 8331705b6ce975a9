/** Pure types shared by the workflow, its activities and the API. No runtime imports. */
import type { Actor } from './principal';

export type { Actor };

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** Units of one SKU held (or shipped) for an order at one warehouse. */
export interface Allocation {
  warehouseId: string;
  sku: string;
  quantity: number;
}

/** How an order picks its warehouses (docs/design.md §17); the planner is ledger/sourcing.ts. */
export const SOURCING_STRATEGIES = ['priority', 'nearest', 'fewest_parcels'] as const;
export type SourcingStrategy = (typeof SOURCING_STRATEGIES)[number];

export interface SourcingRule {
  strategy: SourcingStrategy;
  /** Most warehouses the order may ship from (absent: no limit). */
  maxParcels?: number;
}

export const DEFAULT_SOURCING: SourcingRule = { strategy: 'priority' };

export interface SourcingDecision {
  warehouseId: string;
  /** What this plan holds there (empty for a warehouse passed over). */
  lines: OrderLine[];
  reason: string;
}

/** What an order's record shows of a sourcing decision. */
export interface SourcingOutcome {
  strategy: SourcingStrategy;
  decisions: SourcingDecision[];
}

/** The timeouts an order workflow runs with, fixed at its start so replays agree. */
export interface OrderTimeouts {
  backorderMs: number;
  pickMs: number;
  packMs: number;
  deliveryMs: number;
  attentionMs: number;
}

export const ORDER_STATUSES = [
  'received',
  'awaiting_stock',
  'reserved',
  'on_hold',
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
  /**
   * The channel's sourcing rule when the order was accepted (docs/design.md §17): fixed at
   * intake, so its first allocation, re-routes and refills follow one rule, and a channel's
   * change applies to orders placed after it. Absent: priority.
   */
  sourcing?: SourcingRule;
  /** ISO 8601 (UTC): when the order must have shipped; from the body, else the channel's shipWithinHours. */
  shipBy?: string;
}

export type OrderEventType = 'picked' | 'pick_failed' | 'packed' | 'shipped' | 'delivered' | 'rejected';

/** A warehouse or carrier event; `fulfillmentId` may be left out while the order has one active fulfillment. */
export type OrderEvent = { fulfillmentId?: string } & (
  | { type: 'picked' }
  | { type: 'pick_failed'; reason: string }
  | { type: 'packed' }
  | { type: 'shipped'; carrier: string; trackingNumber: string }
  | { type: 'delivered' }
  | { type: 'rejected'; reason: string }
);

export const FULFILLMENT_STATUSES = ['requested', 'picking', 'packing', 'shipping', 'shipped', 'delivered', 'cancelled', 'rejected'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

/** One parcel: the part of the order one warehouse picks, packs and ships. */
export interface Fulfillment {
  fulfillmentId: string;
  warehouseId: string;
  lines: OrderLine[];
  status: FulfillmentStatus;
  pickTaskId?: string;
  shipment?: Shipment;
  /** Why the warehouse rejected it, or why it was cancelled. */
  reason?: string;
}

export const HOLD_REASONS = ['fraud_check', 'address_verification', 'payment', 'customer_request', 'inventory', 'other'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface HoldRequest {
  /** Chosen by the caller (the API) so a re-sent Update places the hold once. */
  holdId: string;
  reason: HoldReason;
  note?: string;
  /** ISO time: the hold releases itself then. */
  until?: string;
  /** Who places it (docs/design.md §20); absent only in Updates sent before holds recorded it. */
  placedBy?: Actor;
}

export interface Hold {
  holdId: string;
  reason: HoldReason;
  note?: string;
  until?: string;
  placedAt: string;
  /** Who placed it (docs/design.md §20): role, scope, key fingerprint. Absent on holds placed before it was recorded. */
  placedBy?: Actor;
  /** Set once released (by hand, or by `until`); a released hold no longer stops the order. */
  releasedAt?: string;
  /** Who released it; `until` when its time came; `request` on holds released by hand before the releaser was recorded. */
  releasedBy?: Actor | 'request' | 'until';
}

export interface ReleaseHoldRequest {
  holdId: string;
  /** Who releases it (docs/design.md §20). */
  releasedBy?: Actor;
}

/** Replaces the order's lines and/or its shipping address and method (before any pick task is open). */
export interface EditRequest {
  lines?: OrderLine[];
  shippingAddress?: ShippingAddress;
  shippingMethod?: ShippingMethod;
}

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
  /** One per warehouse holding units (several after a rejection re-routes them). */
  fulfillments: Fulfillment[];
  /** Every hold ever placed; the active ones have no `releasedAt`. */
  holds: Hold[];
  /** The first fulfillment's pick task (single-warehouse clients). */
  pickTaskId?: string;
  /** The first fulfillment's shipment (single-warehouse clients); every parcel's is in `fulfillments[]`. */
  shipment?: Shipment;
  history: HistoryEntry[];
  lastError?: OrderError;
  /** The step `retry` re-runs while in needs_attention. */
  failedStep?: string;
  /** The fulfillment whose step failed, when it was a fulfillment's. */
  failedFulfillmentId?: string;
  /** How many edits were applied. */
  edits: number;
  cancelReason?: string;
  /** Returns authorized after delivery (docs/design.md §13); written by the API and the return workflows. */
  returns?: ReturnView[];
  /** How the last allocation chose its warehouses, and why (docs/design.md §17). */
  sourcing?: SourcingOutcome;
  /** ISO 8601: when the order must have shipped. */
  shipBy?: string;
  /** true once shipBy passed before the order shipped. */
  late?: boolean;
}

export const RETURN_STATUSES = ['authorized', 'received', 'expired'] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export const RETURN_DISPOSITIONS = ['restock', 'damaged'] as const;
export type ReturnDisposition = (typeof RETURN_DISPOSITIONS)[number];

export interface InspectedLine {
  sku: string;
  quantity: number;
  disposition: ReturnDisposition;
}

/** One return of a delivered order, as it stands in the order's record. */
export interface ReturnView {
  returnId: string;
  orderId: string;
  status: ReturnStatus;
  /** What was authorized to come back. */
  lines: OrderLine[];
  reason: string;
  createdAt: string;
  receivedAt?: string;
  expiredAt?: string;
  /** The warehouse that received the parcel (not necessarily the one that shipped it). */
  warehouseId?: string;
  /** What arrived, line by line, as inspected. */
  inspected?: InspectedLine[];
}

export interface ReceiveReturnRequest {
  warehouseId: string;
  lines: InspectedLine[];
}

/** Fixed at the return's start so replays agree (RETURN_TIMEOUT). */
export interface ReturnTimeouts {
  returnMs: number;
}

export interface ReturnInput {
  returnId: string;
  orderId: string;
  lines: OrderLine[];
  reason: string;
  createdAt: string;
  timeouts: ReturnTimeouts;
}

export const returnWorkflowId = (returnId: string): string => `return-${returnId}`;

export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;
