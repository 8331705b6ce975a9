/** Messages of the transfer workflow, shared by the workflow and the API (docs/design.md §15). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReceiveTransferRequest, ShipTransferRequest, TransferView } from '../../domain/transfers';

/** The parcel left; a repeat answers the transfer unchanged. Refused (InvalidTransition) once cancelled. */
export const shipTransferUpdate = defineUpdate<TransferView, [ShipTransferRequest]>('ship');
/** It arrived; refusals: InvalidTransition, OverReceipt. */
export const receiveTransferUpdate = defineUpdate<TransferView, [ReceiveTransferRequest]>('receive');
/** Before it ships: the reservation released. */
export const cancelTransferUpdate = defineUpdate<TransferView, [{ reason: string }]>('cancel');

export const transferQuery = defineQuery<TransferView>('transfer');
