/** Test doubles around the real adapters: a gate that holds an activity, and adapters that record their calls. */
import type { CarrierAdapter, WarehouseAdapter } from '../../activities/adapters/types';

/** Opens on demand: lets a test hold an activity at a chosen point. */
export class Gate {
  private opened = false;
  private waiters: (() => void)[] = [];
  private reachedResolve!: () => void;
  /** Resolves once something waits at the gate. */
  readonly reached = new Promise<void>((r) => (this.reachedResolve = r));

  wait(): Promise<void> {
    this.reachedResolve();
    if (this.opened) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  open(): void {
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Records the adapter calls of one suite so tests can assert compensations (cancelled tasks, voided labels). */
export interface AdapterCalls {
  cancelledTasks: Map<string, string[]>;
  voidedLabels: Map<string, string[]>;
  pickTasks: Map<string, string[]>;
}

export function recordingAdapters(
  warehouse: WarehouseAdapter,
  carrier: CarrierAdapter,
  hooks: { beforeCreatePickTask?: (orderId: string, attempt: number) => Promise<void> } = {},
): { warehouse: WarehouseAdapter; carrier: CarrierAdapter; calls: AdapterCalls } {
  const calls: AdapterCalls = { cancelledTasks: new Map(), voidedLabels: new Map(), pickTasks: new Map() };
  const push = (m: Map<string, string[]>, k: string, v: string) => m.set(k, [...(m.get(k) ?? []), v]);
  const createCalls = new Map<string, number>();
  return {
    calls,
    warehouse: {
      mode: warehouse.mode,
      async createPickTask(req) {
        const attempt = (createCalls.get(req.orderId) ?? 0) + 1;
        createCalls.set(req.orderId, attempt);
        await hooks.beforeCreatePickTask?.(req.orderId, attempt);
        const res = await warehouse.createPickTask(req);
        push(calls.pickTasks, req.orderId, res.taskId);
        return res;
      },
      awaitPick: (req, ctx) => warehouse.awaitPick(req, ctx),
      pack: (req, ctx) => warehouse.pack(req, ctx),
      async cancelPickTask(req) {
        push(calls.cancelledTasks, req.orderId, req.taskId);
        return warehouse.cancelPickTask(req);
      },
    },
    carrier: {
      mode: carrier.mode,
      buyLabel: (req) => carrier.buyLabel(req),
      async voidLabel(req) {
        push(calls.voidedLabels, req.orderId, req.labelId);
        return carrier.voidLabel(req);
      },
      awaitPickup: (req, ctx) => carrier.awaitPickup(req, ctx),
      awaitDelivery: (req, ctx) => carrier.awaitDelivery(req, ctx),
    },
  };
}
