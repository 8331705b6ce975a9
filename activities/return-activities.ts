/**
 * The return workflow's activities (docs/design.md §13). Each is idempotent on its own: the ledger
 * write carries `<returnId>:receive`, and the record changes only move a return that is
 * still `authorized`, so a retry after a crash between the two finishes the job once.
 */
import { log } from '@temporalio/activity';
import type { Ledger } from '../ledger/types';
import type { ReturnRecords } from '../orders/returns';
import { restockLines } from '../orders/return-rules';
import type { InspectedLine, ReturnView } from '../domain/types';
import { mapErrors } from './errors';

export interface ReturnActivityDeps {
  ledger: Ledger;
  returns?: ReturnRecords;
  /** Orders awaiting a restocked SKU re-check at once. */
  wakeStock?: (skus: string[]) => void;
}

export const returnReceiveKey = (returnId: string): string => `${returnId}:receive`;

export function createReturnActivities(deps: ReturnActivityDeps) {
  const returns = (): ReturnRecords => {
    if (!deps.returns) throw new Error('no return records given to createReturnActivities');
    return deps.returns;
  };

  return {
    /** Restocked lines back on hand at the receiving warehouse, then the return marked received in the order's record. */
    async receiveReturn(req: { orderId: string; returnId: string; warehouseId: string; inspected: InspectedLine[]; at: string }): Promise<ReturnView> {
      const lines = restockLines(req.inspected);
      if (lines.length > 0) {
        const { restocked } = await mapErrors(() =>
          deps.ledger.receiveReturn({ orderId: req.orderId, returnId: req.returnId, warehouseId: req.warehouseId, lines, key: returnReceiveKey(req.returnId) }),
        );
        log.info('return restocked', { orderId: req.orderId, returnId: req.returnId, restocked });
        deps.wakeStock?.(lines.map((l) => l.sku));
      }
      return returns().markReceived(req.orderId, req.returnId, { warehouseId: req.warehouseId, inspected: req.inspected, at: req.at });
    },

    async expireReturn(req: { orderId: string; returnId: string; at: string }): Promise<ReturnView> {
      return returns().markExpired(req.orderId, req.returnId, req.at);
    },
  };
}

export type ReturnActivities = ReturnType<typeof createReturnActivities>;
