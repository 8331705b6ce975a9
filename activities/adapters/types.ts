/**
 * The warehouse and the carrier, seen from the activities. Two implementations each:
 * `simulated` finishes every physical step by itself after a delay (demo, tests) and
 * `manual` leaves it to a person or an external system that reports the events over HTTP.
 *
 * Steps that take physical time are `await…` methods answering `{ completed }`:
 * `true` when the step is done (simulated, after sleeping through `ctx`), `false` when
 * the workflow must wait for the matching event (manual). The workflow code is the same
 * in both modes. Adapters know nothing of Temporal.
 */
import type { KitLine } from '../../domain/kit';
import type { AdapterMode } from '../../config/config';
import type { Allocation, OrderLine } from '../../ledger/types';
import type { ShippingAddress, ShippingMethod } from '../../domain/types';

export interface WaitContext {
  /** Sleeps, heartbeating; rejects when the activity is cancelled. */
  sleep(ms: number): Promise<void>;
}

export interface Completion {
  completed: boolean;
}

export interface PickTaskRequest {
  orderId: string;
  /** Idempotency key: the same key returns the same task. */
  key: string;
  allocations: Allocation[];
  /** The fulfillment (one warehouse's part of the order) this task picks. */
  fulfillmentId?: string;
  warehouseId?: string;
  lines?: OrderLine[];
  /** The order's kit lines in this fulfillment and the component units each takes (docs/design.md §18). */
  kits?: KitLine[];
  shipTo?: ShippingAddress;
  shippingMethod?: ShippingMethod;
  /** When the request was first made (the same on every retry of the call); default now. */
  requestedAt?: string;
}

/** Which fulfillment a wait or cancel is about: a routing adapter picks the warehouse by it. */
export interface TaskRef {
  orderId: string;
  taskId: string;
  fulfillmentId?: string;
  warehouseId?: string;
}

export interface WarehouseAdapter {
  readonly mode: AdapterMode;
  /**
   * Opens a pick task for the held units; idempotent on `key`. `reportsByEvent`: the warehouse
   * that got the task reports `picked` and `packed` by event (awaitPick and pack would only answer
   * completed:false); left out, the adapter's `mode` says it ('manual' reports by event).
   */
  createPickTask(req: PickTaskRequest): Promise<{ taskId: string; reportsByEvent?: boolean }>;
  /** Resolves when the task is picked (simulated) or at once with completed:false (manual: `picked`/`pick_failed` events). */
  awaitPick(req: TaskRef, ctx: WaitContext): Promise<Completion>;
  /** Packs the picked order (simulated) or answers completed:false (manual: `packed` event). */
  pack(req: TaskRef, ctx: WaitContext): Promise<Completion>;
  /** Stops work on the task and puts picked units back; idempotent, a no-op for an unknown or closed task. */
  cancelPickTask(req: TaskRef & { key: string; reason?: string }): Promise<void>;
}

export interface Label {
  labelId: string;
  carrier: string;
  trackingNumber: string;
}

export interface LabelRequest {
  orderId: string;
  key: string;
  fulfillmentId?: string;
  /** Ships from this warehouse. */
  warehouseId?: string;
  lines?: OrderLine[];
  /** The kit lines in this parcel and their components (docs/design.md §18). */
  kits?: KitLine[];
  address: ShippingAddress;
  method: ShippingMethod;
  allocations: Allocation[];
}

export interface CarrierAdapter {
  readonly mode: AdapterMode;
  /** Buys a label (idempotent on `key`); manual mode answers undefined: the `shipped` event brings carrier and tracking number. */
  buyLabel(req: LabelRequest): Promise<Label | undefined>;
  /** Voids a bought label; idempotent. */
  voidLabel(req: { orderId: string; labelId: string; key: string; fulfillmentId?: string }): Promise<void>;
  /** The carrier collects the parcel (simulated) or completed:false (manual: `shipped` event). */
  awaitPickup(req: { orderId: string; label?: Label }, ctx: WaitContext): Promise<Completion>;
  /** The parcel is delivered (simulated) or completed:false (manual: `delivered` event). */
  awaitDelivery(req: { orderId: string; trackingNumber?: string }, ctx: WaitContext): Promise<Completion>;
}

/** An adapter's way to say "never, whatever you retry" (bad address, warehouse refuses the order…). */
export class AdapterRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterRejectedError';
  }
}
