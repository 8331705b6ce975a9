/** The shapes the console reads, as the API documents them in /openapi.json (components.schemas). */

export type Role = 'system' | 'support' | 'ops' | 'admin';

export const ORDER_STATUSES = [
  'received', 'awaiting_stock', 'reserved', 'on_hold', 'picking', 'packing', 'shipping', 'shipped',
  'needs_attention', 'delivered', 'rejected', 'cancelled', 'timed_out',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const TERMINAL: readonly string[] = ['delivered', 'rejected', 'cancelled', 'timed_out'];

export const HOLD_REASONS = ['fraud_check', 'address_verification', 'payment', 'customer_request', 'inventory', 'other'] as const;

export interface Line { sku: string; quantity: number }
export interface Links { self: string; temporalUi: string }

export interface Shipment { carrier: string; trackingNumber: string; labelId?: string; shippedAt?: string; deliveredAt?: string }

export interface Fulfillment {
  fulfillmentId: string;
  warehouseId: string;
  lines: Line[];
  status: string;
  pickTaskId?: string;
  shipment?: Shipment;
  reason?: string;
}

export interface Hold {
  holdId: string;
  reason: string;
  note?: string;
  until?: string;
  placedAt: string;
  releasedAt?: string;
  releasedBy?: 'request' | 'until';
}

export const RETURN_DISPOSITIONS = ['restock', 'damaged'] as const;
export type Disposition = (typeof RETURN_DISPOSITIONS)[number];
export interface InspectedLine extends Line { disposition: Disposition }

/** A return as the order's record holds it (DESIGN §13, the contract's `Return`). */
export interface OrderReturn {
  returnId: string;
  status: 'authorized' | 'received' | 'expired';
  lines: Line[];
  reason: string;
  createdAt: string;
  receivedAt?: string;
  expiredAt?: string;
  warehouseId?: string;
  inspected?: InspectedLine[];
}

export interface Warehouse { id: string; name: string; active: boolean }

export interface Address { name: string; line1: string; line2?: string; city: string; region?: string; postalCode: string; country: string }

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  channel: string;
  customer: { id: string; email?: string; name?: string };
  shippingAddress: Address;
  shippingMethod: 'standard' | 'express';
  lines: Line[];
  allocations: Array<{ warehouseId: string; sku: string; quantity: number }>;
  backordered: Line[];
  fulfillments: Fulfillment[];
  holds: Hold[];
  returns?: OrderReturn[];
  history: Array<{ at: string; status: OrderStatus; note?: string }>;
  lastError?: { step: string; type?: string; message: string; at: string };
  failedStep?: string;
  edits: number;
  cancelReason?: string;
  links?: Links;
}

export interface OrderSummary {
  orderId: string;
  status: string;
  customerId?: string;
  channel?: string;
  skus: string[];
  warehouseIds: string[];
  workflowStatus: string;
  startedAt: string;
  closedAt?: string;
  links: Links;
}

export interface OrderList { orders: OrderSummary[]; nextCursor?: string }

export interface Levels { onHand: number; reserved: number; available: number }
export interface SkuLevels extends Levels { sku: string; levels: Array<Levels & { warehouseId: string }> }

export interface Movement {
  id: string;
  warehouseId: string;
  sku: string;
  kind: string;
  onHandDelta: number;
  reservedDelta: number;
  orderId: string | null;
  reason: string | null;
  createdAt: string;
}

export interface Alert { id: string; sku: string; available: number; reorderPoint: number; openedAt: string }

/** A count (docs/design.md §16): the warehouse's numbers compared as of countedAt. */
export interface Count {
  countId: string;
  warehouseId: string;
  countedAt: string;
  source: 'cycle_count' | 'warehouse_report';
  status: 'applied' | 'pending_approval' | 'rejected';
  lines: Array<{ sku: string; counted: number; expected: number; variance: number }>;
  reallocated: Array<{ orderId: string; sku: string; quantity: number }>;
  rejectionReason?: string;
  createdAt: string;
  decidedAt?: string;
}
