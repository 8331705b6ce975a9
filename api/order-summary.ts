/** The shapes of an order's links and of a list item (GET /orders), both built from the order's record. */
import type { OrderStatus } from '../domain/types';

export interface OrderLinks {
  self: string;
  temporalUi: string;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus | 'unknown';
  customerId?: string;
  channel?: string;
  skus: string[];
  warehouseIds: string[];
  /** RUNNING while the order is open, CLOSED once it reached a terminal status. */
  workflowStatus: string;
  startedAt: string;
  closedAt?: string;
  /** When the order must have shipped, and whether that passed unshipped (docs/design.md §17). */
  shipBy?: string;
  late?: boolean;
  links: OrderLinks;
}
