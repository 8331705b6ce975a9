/** Public shapes of the stock ledger. Pure types: safe to `import type` from workflow code. */
import type { Allocation, OrderLine, SourcingOutcome, SourcingRule } from '../domain/types';
import type { LedgerErrorCode } from '../domain/failure-types';

export type { Allocation, LedgerErrorCode, OrderLine };

/** The order's whole position after a reserve / reserveMore call (cumulative, not the delta). */
export interface ReserveResult {
  allocations: Allocation[];
  /** Units that no active warehouse could hold yet, per SKU (empty when fully reserved). */
  backordered: OrderLine[];
  /** How this call decided where units go (docs/design.md §17); absent when it had nothing to place. */
  sourcing?: SourcingOutcome;
}

/** What a reservation sources by: the order's rule and where it ships to. */
export interface SourcingOptions {
  sourcing?: SourcingRule;
  /** Ship-to country, ISO alpha-2. */
  country?: string;
  /** ISO 8601: the order's ship-by, its place in the queue for scarce stock (docs/design.md §17). */
  shipBy?: string;
}

/** An order edit: its new whole position, and what this call released and newly held. */
export type AmendResult = ReserveResult & { released: Allocation[]; reserved: Allocation[] };

export interface Warehouse {
  id: string;
  name: string;
  priority: number;
  active: boolean;
  /** Where its fulfillment requests go (docs/design.md §10); null: the warehouse runs on WAREHOUSE_MODE. */
  fulfillmentUrl: string | null;
  /** ISO alpha-2 codes it ships to fast and cheaply (docs/design.md §17). */
  countries?: string[];
  /** Fulfillments it can open per UTC day. */
  dailyCapacity?: number;
}

export interface WarehouseInput {
  id: string;
  name: string;
  priority?: number;
  active?: boolean;
  fulfillmentUrl?: string | null;
  /** null clears the list. */
  countries?: string[] | null;
  /** null: no limit. */
  dailyCapacity?: number | null;
}

export interface Sku {
  sku: string;
  name: string;
  reorderPoint: number;
  /** Units no channel is offered (docs/design.md §12). */
  safetyStock: number;
}

export interface WarehouseLevel {
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface SkuLevels {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  levels: WarehouseLevel[];
}

export type MovementKind = 'receipt' | 'adjustment' | 'reserve' | 'release' | 'ship' | 'return' | 'transfer_out' | 'transfer_in';

export interface Movement {
  id: string;
  warehouseId: string;
  sku: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  orderId: string | null;
  idempotencyKey: string;
  reason: string | null;
  createdAt: string;
}

export type ReservationStatus = 'held' | 'released' | 'shipped';

export interface Reservation {
  orderId: string;
  warehouseId: string;
  sku: string;
  quantity: number;
  status: ReservationStatus;
}

export interface ReorderAlert {
  id: string;
  sku: string;
  available: number;
  reorderPoint: number;
  openedAt: string;
}

export interface ReceiveReturnInput {
  orderId: string;
  returnId: string;
  /** Where the parcel arrived: the restocked units go on hand there. */
  warehouseId: string;
  /** Only the units put back on the shelf; damaged ones never reach the ledger. */
  lines: OrderLine[];
  key: string;
}

export interface ReceiveReturnResult {
  restocked: Allocation[];
}

export type ReconciliationProblem =
  | { kind: 'balance_out_of_range'; warehouseId: string; sku: string; onHand: number; reserved: number }
  | { kind: 'on_hand_mismatch'; warehouseId: string; sku: string; balance: number; movements: number }
  | { kind: 'reserved_mismatch'; warehouseId: string; sku: string; balance: number; movements: number }
  | { kind: 'reserved_vs_held'; warehouseId: string; sku: string; reserved: number; held: number }
  | { kind: 'held_for_closed_order'; orderId: string; warehouseId: string; sku: string; quantity: number }
  // Stock in motion (docs/design.md §15): ledger/reconcile-motion.ts.
  | { kind: 'incoming_mismatch'; warehouseId: string; sku: string; incoming: number; outstanding: number }
  | { kind: 'purchase_order_received_mismatch'; purchaseOrderId: string; sku: string; received: number; movements: number }
  | { kind: 'transfer_movement_mismatch'; transferId: string; sku: string; shipped: number; received: number; movedOut: number; movedIn: number }
  | { kind: 'transfer_held_mismatch'; transferId: string; sku: string; status: string; held: number; expected: number }
  | { kind: 'conservation_mismatch'; sku: string; onHand: number; inTransit: number; lost: number; movements: number };

export interface ReconciliationReport {
  ok: boolean;
  problems: ReconciliationProblem[];
}

/** Narrows a reconciliation to some SKUs (e.g. the ones a test or an operator owns). */
export interface ReconcileOptions {
  skus?: string[];
}

/** Given order ids with held stock, answers which of them belong to closed workflows. */
export type ClosedOrdersCheck = (orderIds: string[]) => Promise<Set<string>>;


/**
 * The ledger's operations. Every write is one transaction that changes the balance and
 * appends its movement(s), and is idempotent on `key`: a repeat returns the first result
 * and changes nothing.
 */
export interface Ledger {
  /** Omitted fields keep their stored values; `fulfillmentUrl: null` clears the URL. */
  upsertWarehouse(input: WarehouseInput): Promise<{ warehouse: Warehouse; created: boolean }>;
  listWarehouses(): Promise<Warehouse[]>;
  upsertSku(input: { sku: string; name: string; reorderPoint?: number; safetyStock?: number }): Promise<{ sku: Sku; created: boolean }>;
  getSku(sku: string): Promise<Sku | undefined>;
  /** For order validation, one round trip: SKUs among `skus` not in the catalog, and the number of active warehouses. */
  catalogFacts(skus: string[]): Promise<{ unknownSkus: string[]; activeWarehouses: number }>;

  receive(input: { warehouseId: string; sku: string; quantity: number; reference?: string; key: string }): Promise<WarehouseLevel & { sku: string }>;
  /** Refused with LedgerError INSUFFICIENT_STOCK when on hand would drop below reserved or zero. */
  adjust(input: { warehouseId: string; sku: string; delta: number; reason: string; key: string }): Promise<WarehouseLevel & { sku: string }>;

  /** Records the order's demand (duplicate SKU lines merged) and holds what can be held. */
  reserve(orderId: string, lines: OrderLine[], key: string, opts?: SourcingOptions): Promise<ReserveResult>;
  /** Tries again to hold the order's backordered remainder, never at the `exclude`d warehouses. */
  reserveMore(orderId: string, key: string, opts?: { exclude?: string[] } & SourcingOptions): Promise<ReserveResult>;
  /**
   * Every held unit of the order back to available; the order awaits nothing more. With
   * `warehouseId` only what is held there: the order stays open and those units become
   * its remainder (backordered until a reserveMore holds them elsewhere).
   */
  release(orderId: string, key: string, opts?: { warehouseId?: string }): Promise<{ released: Allocation[] }>;
  /** Held becomes shipped: on hand and reserved both drop. With `warehouseId`, only what is held there. */
  ship(orderId: string, key: string, opts?: { warehouseId?: string }): Promise<{ shipped: Allocation[] }>;
  /** A return after delivery: units go back on hand at the warehouses they shipped from (only `warehouseId`'s, if given). */
  restock(orderId: string, lines: OrderLine[], key: string, opts?: { warehouseId?: string }): Promise<{ restocked: Allocation[] }>;
  /**
   * A customer return arrived: `return` movements put the units on hand at `warehouseId`
   * (reason `return <returnId>`). Refused with INVALID_QUANTITY beyond what the order
   * shipped minus what came back before, per SKU.
   */
  receiveReturn(input: ReceiveReturnInput): Promise<ReceiveReturnResult>;
  /**
   * An order edit: its demand becomes exactly `lines` (a SKU left out goes to 0). Per SKU
   * only the difference moves: held units above the new demand are released (lowest-
   * priority warehouse first), missing ones held where available (never at `exclude`) or
   * backordered. Refused with INVALID_QUANTITY below what already shipped. An order the
   * ledger does not hold open is placed as reserve() would.
   */
  amend(orderId: string, lines: OrderLine[], key: string, opts?: { exclude?: string[] }): Promise<AmendResult>;

  levels(sku: string): Promise<SkuLevels | undefined>;
  movements(sku: string, page?: { limit?: number; before?: string }): Promise<{ movements: Movement[]; next?: string }>;
  reservations(orderId: string): Promise<Reservation[]>;
  /** Orders that still wait for units of this SKU (their demand exceeds what they hold). */
  ordersAwaiting(sku: string): Promise<string[]>;
  openAlerts(): Promise<ReorderAlert[]>;
  reconcile(isClosed?: ClosedOrdersCheck, options?: ReconcileOptions): Promise<ReconciliationReport>;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
}
