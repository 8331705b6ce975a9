/** The shapes of sourcing (docs/design.md §17). Pure types and constants: safe for workflow code. */
import type { Allocation, OrderLine } from './types';

export const SOURCING_STRATEGIES = ['priority', 'nearest', 'fewest_parcels'] as const;
export type SourcingStrategy = (typeof SOURCING_STRATEGIES)[number];

export interface SourcingRule {
  strategy: SourcingStrategy;
  /** Most warehouses the order may ship from (absent: no limit). */
  maxParcels?: number;
}

export const DEFAULT_SOURCING: SourcingRule = { strategy: 'priority' };

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

export interface SourcingDecision {
  warehouseId: string;
  /** What this plan holds there (empty for a warehouse passed over). */
  lines: OrderLine[];
  reason: string;
}

export interface SourcingPlan {
  strategy: SourcingStrategy;
  allocations: Allocation[];
  backordered: OrderLine[];
  /** Warehouses this plan puts the order at for the first time: each opens a fulfillment. */
  opened: string[];
  decisions: SourcingDecision[];
}


/** What an order's record shows of a sourcing decision. */
export interface SourcingOutcome {
  strategy: SourcingStrategy;
  decisions: SourcingDecision[];
}
