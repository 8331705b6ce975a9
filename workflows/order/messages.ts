/** Messages of the order workflow, defined once and shared by the workflow and its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EditRequest, Hold, HoldRequest, OrderEvent, OrderView, ReleaseHoldRequest } from '../../domain/types';

export interface CancelRequest {
  reason: string;
}

/** Support's cancel: validator refuses once shipped or terminal; returns the final state. */
export const cancelUpdate = defineUpdate<OrderView, [CancelRequest]>('cancel');
/** Accepted only in needs_attention; returns the state once the step has been re-entered. */
export const retryUpdate = defineUpdate<OrderView, []>('retry');
/** Warehouse and carrier events; a repeat of the event that already happened is a no-op. */
export const eventUpdate = defineUpdate<OrderView, [OrderEvent]>('event');

/** Places a hold (validator: refused from shipping on); returns the hold. Idempotent on holdId. */
export const holdUpdate = defineUpdate<Hold, [HoldRequest]>('hold');
/** Releases a hold; returns the order. Unknown hold → UnknownHold. */
export const releaseHoldUpdate = defineUpdate<OrderView, [ReleaseHoldRequest]>('releaseHold');
/** Replaces lines / address / method before any pick task is open; the ledger applies the difference. */
export const editUpdate = defineUpdate<OrderView, [EditRequest]>('edit');

/** Same rules as the updates, for the Temporal UI's "Send a Signal"; misfits are logged and ignored. */
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');
export const retrySignal = defineSignal<[]>('retry');
export const holdSignal = defineSignal<[HoldRequest]>('hold');
export const releaseHoldSignal = defineSignal<[ReleaseHoldRequest]>('releaseHold');
/** Sent by the receipt path to orders awaiting stock of a SKU. */
export const stockArrivedSignal = defineSignal<[{ sku: string }]>('stockArrived');

export const statusQuery = defineQuery<OrderView>('status');

/** ApplicationFailure type used when an update does not fit the current status. */
export const INVALID_TRANSITION = 'InvalidTransition';
