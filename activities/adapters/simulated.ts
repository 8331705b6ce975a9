import { createHash } from 'node:crypto';
import type { CarrierAdapter, Label, WarehouseAdapter } from './types';

/** Stable short id from an idempotency key, so a retried call returns the same id. */
function idFor(prefix: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** A warehouse that picks and packs every order by itself after `delayMs`. */
export function simulatedWarehouse(opts: { delayMs: number }): WarehouseAdapter {
  return {
    mode: 'simulated',
    async createPickTask(req) {
      return { taskId: idFor('SIMPICK', req.key) };
    },
    async awaitPick(_req, ctx) {
      await ctx.sleep(opts.delayMs);
      return { completed: true };
    },
    async pack(_req, ctx) {
      await ctx.sleep(opts.delayMs);
      return { completed: true };
    },
    async cancelPickTask() {
      // Nothing to undo in a simulation; a real WMS call goes here.
    },
  };
}

const CARRIERS = ['SimPost', 'SimExpress'] as const;

/** A carrier that sells labels, collects and delivers every parcel by itself after `delayMs`. */
export function simulatedCarrier(opts: { delayMs: number }): CarrierAdapter {
  return {
    mode: 'simulated',
    async buyLabel(req): Promise<Label> {
      const labelId = idFor('SIMLBL', req.key);
      return {
        labelId,
        carrier: CARRIERS[req.method === 'express' ? 1 : 0],
        trackingNumber: idFor('SIMTRK', req.key),
      };
    },
    async voidLabel() {
      // A simulated label costs nothing; a real carrier API call goes here.
    },
    async awaitPickup(_req, ctx) {
      await ctx.sleep(opts.delayMs);
      return { completed: true };
    },
    async awaitDelivery(_req, ctx) {
      await ctx.sleep(opts.delayMs);
      return { completed: true };
    },
  };
}
