/**
 * The planner's shapes (docs/design.md §17). Pure types: safe for workflow code. The rule and
 * the outcome an order carries are the domain's vocabulary (domain/types.ts), re-exported here.
 */
import type { Allocation, OrderLine, SourcingDecision, SourcingOutcome, SourcingRule, SourcingStrategy } from '../domain/types';

export { DEFAULT_SOURCING, SOURCING_STRATEGIES } from '../domain/types';
export type { SourcingDecision, SourcingOutcome, SourcingRule, SourcingStrategy };

export interface SourcingWarehouse {
  warehouseId: string;
  /** Lower number = picked first; ties go to the smaller id. */
  priority: number;
  active: boolean;
  /** ISO alpha-2 codes it ships to fast and cheaply. */
  countries?: readonly string[];
  /** Fulfillments it can open per UTC day (absent: no limit). */
  dailyCapacity?: number;
  /** Fulfillments it opened today (the ledger's count). */
  openedToday?: number;
  /** Available (on hand minus reserved) per SKU; a missing SKU means none. */
  available: ReadonlyMap<string, number>;
}

export interface SourcingOrder {
  /** What is still to be held, per SKU. */
  lines: readonly OrderLine[];
  /** Ship-to country (ISO alpha-2), when known. */
  country?: string;
  /** Warehouses the order may not use (they rejected one of its fulfillments). */
  exclude?: readonly string[];
  /** Warehouses already holding (or having shipped) units of the order: parcels it has already. */
  usedBy?: readonly string[];
}

export interface SourcingPlan {
  strategy: SourcingStrategy;
  allocations: Allocation[];
  backordered: OrderLine[];
  /** Warehouses this plan puts the order at for the first time: each opens a fulfillment. */
  opened: string[];
  decisions: SourcingDecision[];
}

