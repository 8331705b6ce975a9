/** Messages of the return workflow, shared by the workflow and the API. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReceiveReturnRequest, ReturnView } from '../../domain/types';

/** The parcel arrived and was inspected; validator: only while `authorized`. Answers the received return. */
export const receiveReturnUpdate = defineUpdate<ReturnView, [ReceiveReturnRequest]>('receive');

export const returnStatusQuery = defineQuery<ReturnView>('returnStatus');

/** ApplicationFailure type of a receipt whose lines do not fit the return (HTTP 422). */
export const INVALID_RECEIPT = 'InvalidReceipt';
