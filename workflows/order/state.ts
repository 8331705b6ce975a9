/**
 * The order's state in one record. The view is what `GET /orders/:id` shows; the rest is
 * what makes keys, waits and compensations correct. Functions elsewhere take this record.
 */
import type { CancelledFailure } from '@temporalio/workflow';
import type { Label } from '../../activities/adapters/types';
import type { OrderError, OrderInput, OrderView } from '../../domain/types';
import type { UndoStack } from './compensation';
import { initialView } from '../../domain/initial-view';

export type CancelSource = 'update' | 'signal' | 'workflow' | 'attention_timeout';

/** Where a fulfillment's branch stands; it starts (again) at `request`. */
export type FulfillmentStep = 'request' | 'pick' | 'pack' | 'label' | 'commit' | 'pickup' | 'deliver' | 'done';

/** Progress of one fulfillment kept beside its view entry. */
export interface FulfillmentRun {
  id: string;
  warehouseId: string;
  step: FulfillmentStep;
  /** Pick attempt number: part of the pick task's key, so a re-request opens a new task. */
  attempt: number;
  /** createPickTask was called for `attempt` and its answer not yet seen. */
  createPending: boolean;
  taskOpen: boolean;
  picked: boolean;
  pickFailure?: string;
  packed: boolean;
  label?: Label;
  labelBought: boolean;
  committed: boolean;
  /** The warehouse said it reports this pick task by event (wait-by-event: no wait activity for pick and pack). */
  warehouseByEvent?: boolean;
  /** The carrier reports this parcel by event (wait-by-event: no wait activity for pickup and delivery). */
  carrierByEvent?: boolean;
  pendingShipment?: { carrier: string; trackingNumber: string };
  handedOver: boolean;
  delivered: boolean;
  rejection?: string;
  /** The branch is running (a promise in flight). */
  running: boolean;
  /** Failed for good: waits in needs_attention for retry. */
  failure?: { step: FulfillmentStep; error: OrderError };
  /** Undo actions of this fulfillment, registered before each call that needs one. */
  undo: UndoStack;
}

export interface OrderState {
  readonly input: OrderInput;
  readonly id: string;
  readonly view: OrderView;
  runs: FulfillmentRun[];
  /** Undo actions of the order itself (the reservation). */
  undo: UndoStack;
  reserveAttempted: boolean;
  reserveDone: boolean;
  /** Sequence numbers behind the keys of writes that may happen more than once. */
  seq: { reserveMore: number; release: number; restock: number; reroute: number; edit: number; fulfillment: number };
  /** Warehouses that rejected a fulfillment of this order: never used for it again. */
  excluded: string[];
  /** A ledger call is running (edits, reroutes and stock re-checks take turns, in ticket order). */
  ledgerBusy: boolean;
  ledgerQueue: { next: number; serving: number };
  /** Edits in progress: fulfillments are not requested meanwhile. */
  editing: number;
  /** Pre-fulfillment step failure (validate, reserve, await_stock) waiting for retry. */
  orderFailure?: { step: 'validate' | 'reserve' | 'await_stock' | 'reroute'; error: OrderError };
  cancelRequest?: { reason: string; source: CancelSource };
  /** The workflow itself was cancelled (Temporal UI): rethrown once compensated. */
  workflowCancellation?: CancelledFailure;
  /** A rejected fulfillment's units (or a count's shortfall) wait to be allocated again. */
  rerouteNeeded: boolean;
  /** Count shortfalls already applied (countId, warehouse, sku): a repeated signal is a no-op. */
  shortfallsSeen: string[];
  /** Bumped by each accepted retry; a waiting step re-runs when it moves. */
  retrySeq: number;
  /** The retry seq the last waiting step consumed: a retry is pending while they differ. */
  retryHandled: number;
  stockCheckRequested: boolean;
  /** Bumped whenever the order's position changes outside the main loop (an edit). */
  positionVersion: number;
  /** A fulfillment ran out of its pick or pack deadline. */
  timedOut?: string;
  closing: boolean;
  /** Any Update reached the order: the close timer is needed (see workflow.ts). */
  updateSeen: boolean;
  currentStep: string;
  /** The record's version (bumped at every refresh) and the last one handed to a write. */
  record: { version: number; saved: number; flushing: boolean; closed: boolean };
  warehousesSeen: Set<string>;
  published: { status: string; warehouses: string; holds: string };
  /** Search attributes are published where the order rests, not for statuses it passes through (visibility.ts). */
  publishAtRest: boolean;
  /** The cost cuts this run makes (patches.ts), decided in its first workflow task. */
  cuts: { commitOnPickup: boolean; activityWrites: boolean; waitByEvent: boolean };
  statusEnteredAt: number;
}

export const nowIso = (): string => new Date(Date.now()).toISOString();

export function createState(input: OrderInput): OrderState {
  return {
    input,
    id: input.orderId,
    view: initialView(input, nowIso()),
    runs: [],
    undo: [],
    reserveAttempted: false,
    reserveDone: false,
    seq: { reserveMore: 0, release: 0, restock: 0, reroute: 0, edit: 0, fulfillment: 0 },
    excluded: [],
    ledgerBusy: false,
    ledgerQueue: { next: 0, serving: 0 },
    editing: 0,
    rerouteNeeded: false,
    shortfallsSeen: [],
    retrySeq: 0,
    retryHandled: 0,
    stockCheckRequested: false,
    positionVersion: 0,
    closing: false,
    updateSeen: false,
    currentStep: 'validate',
    record: { version: 0, saved: 0, flushing: false, closed: false },
    warehousesSeen: new Set(),
    published: { status: '', warehouses: '[]', holds: '[]' },
    publishAtRest: false,
    cuts: { commitOnPickup: false, activityWrites: false, waitByEvent: false },
    statusEnteredAt: Date.now(),
  };
}

export const activeHolds = (s: OrderState) => s.view.holds.filter((h) => h.releasedAt === undefined);

export function fulfillmentView(s: OrderState, run: FulfillmentRun) {
  const f = s.view.fulfillments.find((x) => x.fulfillmentId === run.id);
  if (!f) throw new Error(`no fulfillment ${run.id}`);
  return f;
}

/** Fulfillments that still count (not cancelled or rejected). */
export const liveRuns = (s: OrderState) =>
  s.runs.filter((r) => {
    const status = fulfillmentView(s, r).status;
    return status !== 'cancelled' && status !== 'rejected';
  });

/** A parcel has left (or its `shipped` event arrived): cancel can no longer undo the order. */
export const anyHandedOver = (s: OrderState) => s.runs.some((r) => r.handedOver || r.pendingShipment !== undefined);
