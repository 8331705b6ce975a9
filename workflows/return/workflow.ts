/**
 * One return of a delivered order (docs/design.md §13), id `return-<returnId>`: waits for the parcel
 * until RETURN_TIMEOUT (fixed in the input), then `expired`; a `receive` Update restocks what
 * was inspected as `restock` and marks the return `received`. Its own workflow because the
 * order's has closed at delivery; the return lives on in the order's record, which the API
 * wrote as `authorized` before starting this and which the activities move on.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { allHandlersFinished, condition, log, proxyActivities, setCurrentDetails, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { md } from '../../domain/markdown';
import type { ReturnActivities } from '../../activities/return-activities';
import { NON_RETRYABLE_TYPES } from '../../domain/failure-types';
import { INVALID_TRANSITION } from '../order/messages';
import { ReturnStatusKey } from '../search-attributes';
import type { InspectedLine, ReceiveReturnRequest, ReturnInput, ReturnView } from '../../domain/types';
import { INVALID_RECEIPT, receiveReturnUpdate, returnStatusQuery } from './messages';

// The parcel is on the shelf whatever the database says: keep trying until the write lands.
const acts = proxyActivities<ReturnActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s', nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
});

interface ReturnState {
  view: ReturnView;
  receiving: boolean;
  expiring: boolean;
  updateSeen: boolean;
}

const nowIso = () => new Date(Date.now()).toISOString();

function publish(s: ReturnState, deadline: string): void {
  upsertSearchAttributes([{ key: ReturnStatusKey, value: s.view.status }]);
  const v = s.view;
  const inspected = (v.inspected ?? []).map((l) => `${md(l.sku)} ×${l.quantity} ${md(l.disposition)}`).join(', ');
  setCurrentDetails(
    [
      `**Status:** ${v.status}${v.status === 'authorized' ? ` · waiting for the parcel until ${deadline}` : ''}`,
      v.warehouseId ? `**Received at:** ${md(v.warehouseId)} (${md(v.receivedAt)})` : '',
      inspected ? `**Inspected:** ${inspected}` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
}

/** Each SKU at most its authorized quantity; only SKUs of the return. */
function receiptProblem(view: ReturnView, lines: InspectedLine[]): string | undefined {
  if (!Array.isArray(lines) || lines.length === 0) return 'a receipt needs at least one line';
  const left = new Map<string, number>();
  for (const l of view.lines) left.set(l.sku, (left.get(l.sku) ?? 0) + l.quantity);
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) return `line ${l.sku}: quantity must be a positive integer`;
    const rest = (left.get(l.sku) ?? 0) - l.quantity;
    if (rest < 0) return `${l.sku}: more received than the return authorized`;
    left.set(l.sku, rest);
  }
  return undefined;
}

/** A business refusal from the activity comes out of the Update as its own ApplicationFailure type. */
function refusalOf(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    return ApplicationFailure.create({ type: cause.type ?? 'ReceiveFailed', message: cause.message, details: cause.details ? [...cause.details] : undefined, nonRetryable: true });
  }
  return err;
}

export async function returnWorkflow(input: ReturnInput): Promise<ReturnView> {
  const s: ReturnState = {
    view: { returnId: input.returnId, orderId: input.orderId, status: 'authorized', lines: input.lines, reason: input.reason, createdAt: input.createdAt },
    receiving: false,
    expiring: false,
    updateSeen: false,
  };
  const deadlineMs = Date.parse(input.createdAt) + input.timeouts.returnMs;
  const deadline = new Date(deadlineMs).toISOString();

  setHandler(returnStatusQuery, () => s.view);
  setHandler(
    receiveReturnUpdate,
    async (req: ReceiveReturnRequest) => {
      s.updateSeen = true;
      s.receiving = true;
      try {
        s.view = await acts.receiveReturn.executeWithOptions({ summary: `Receive at ${req.warehouseId}` }, [
          { orderId: input.orderId, returnId: input.returnId, warehouseId: req.warehouseId, inspected: req.lines, at: nowIso() },
        ]);
        publish(s, deadline);
        return s.view;
      } catch (err) {
        log.warn('return receipt failed', { returnId: input.returnId, error: (err as Error).message });
        throw refusalOf(err);
      } finally {
        s.receiving = false;
      }
    },
    {
      validator: (req: ReceiveReturnRequest) => {
        if (s.view.status !== 'authorized' || s.receiving || s.expiring) {
          const status = s.expiring ? 'expired' : s.view.status;
          throw ApplicationFailure.create({ type: INVALID_TRANSITION, message: `Return ${input.returnId} is ${status}${s.receiving ? ' (being received)' : ''}`, details: [{ status }], nonRetryable: true });
        }
        const problem = receiptProblem(s.view, req?.lines);
        if (problem) throw ApplicationFailure.create({ type: INVALID_RECEIPT, message: problem, nonRetryable: true });
      },
    },
  );

  publish(s, deadline);
  while (s.view.status === 'authorized') {
    const left = deadlineMs - Date.now();
    const moved = left > 0 && (await condition(() => s.receiving || s.view.status !== 'authorized', left, { summary: 'return timeout' }));
    if (!moved && !s.receiving) {
      s.expiring = true;
      s.view = await acts.expireReturn.executeWithOptions({ summary: 'Expire the return' }, [{ orderId: input.orderId, returnId: input.returnId, at: nowIso() }]);
      s.expiring = false;
      publish(s, deadline);
      break;
    }
    // A receipt in flight: it either received the return or failed and the wait goes on.
    await condition(() => !s.receiving);
  }

  await condition(allHandlersFinished);
  // As in the order workflow: an Update that finished the return is made durable before close.
  if (s.updateSeen) {
    await sleep(1, { summary: 'close' });
    await condition(allHandlersFinished);
  }
  return s.view;
}
