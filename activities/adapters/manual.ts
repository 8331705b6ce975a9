import { createHash } from 'node:crypto';
import type { CarrierAdapter, WarehouseAdapter } from './types';

/**
 * A warehouse run by people: the task id is handed out here, and the warehouse reports
 * `picked` / `pick_failed` / `packed` over HTTP (→ the workflow's `event` Update).
 */
export function manualWarehouse(): WarehouseAdapter {
  return {
    mode: 'manual',
    async createPickTask(req) {
      return { taskId: `PICK-${createHash('sha256').update(req.key).digest('hex').slice(0, 12).toUpperCase()}` };
    },
    async awaitPick() {
      return { completed: false };
    },
    async pack() {
      return { completed: false };
    },
    async cancelPickTask() {
      // The cancellation is visible in the order's status; nothing to call.
    },
  };
}

/**
 * A carrier handled outside the system: no label is bought here; the `shipped` event
 * carries the carrier and the tracking number, and `delivered` closes the order.
 */
export function manualCarrier(): CarrierAdapter {
  return {
    mode: 'manual',
    async buyLabel() {
      return undefined;
    },
    async voidLabel() {
      // Labels bought outside are voided outside.
    },
    async awaitPickup() {
      return { completed: false };
    },
    async awaitDelivery() {
      return { completed: false };
    },
  };
}
