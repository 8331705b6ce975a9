/**
 * Wakes the orders waiting for stock after a receipt, off the request path: with hundreds of
 * waiting orders, signalling them inline made a receipt 20x slower. `wake` returns at once and
 * coalesces SKUs; a background loop looks up each SKU's waiting orders and signals them with
 * bounded concurrency. Best effort: a lost signal costs at most the workflow's periodic re-check.
 * Used by the receipt route, and meant for activities that free stock (wired by the worker).
 */
import type { Client } from '@temporalio/client';
import { stockArrivedSignal } from '../workflows/order/messages';
import { orderWorkflowId } from '../domain/types';
import type { Logger } from '../platform/logger';

export interface StockWakerOptions {
  client: Client;
  /** Only for the log lines (which worker's orders these are). */
  taskQueue?: string;
  log: Logger;
  /** The ids of the orders awaiting stock of `sku` (the ledger's ordersAwaiting). */
  findWaiting: (sku: string) => Promise<string[]>;
  /** Signals in flight at once (default 16). */
  concurrency?: number;
  /** Deadline of one signal call (default 10 s). */
  signalTimeoutMs?: number;
}

export interface StockWaker {
  /** Queues the SKUs and returns at once. */
  wake(skus: string[]): void;
  /** Resolves once every SKU queued so far has been handled (shutdown, tests). */
  drain(): Promise<void>;
}

export function createStockWaker(opts: StockWakerOptions): StockWaker {
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const timeoutMs = opts.signalTimeoutMs ?? 10_000;
  const pending = new Set<string>();
  let loop: Promise<void> | undefined;

  const signal = (orderId: string, sku: string) =>
    opts.client.connection.withDeadline(Date.now() + timeoutMs, () => opts.client.workflow.getHandle(orderWorkflowId(orderId)).signal(stockArrivedSignal, { sku }));

  async function wakeSku(sku: string): Promise<void> {
    let orderIds: string[];
    try {
      orderIds = await opts.findWaiting(sku);
    } catch (err) {
      opts.log.warn('could not find the orders awaiting stock', { sku, taskQueue: opts.taskQueue, err });
      return;
    }
    const queue = [...orderIds];
    let failed = 0;
    const work = async () => {
      for (let orderId = queue.shift(); orderId !== undefined; orderId = queue.shift()) {
        try {
          await signal(orderId, sku);
        } catch (err) {
          failed++;
          opts.log.warn('stockArrived signal failed', { orderId, sku, err });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, work));
    if (orderIds.length > 0) opts.log.info('stockArrived signalled', { sku, orders: orderIds.length, failed, taskQueue: opts.taskQueue });
  }

  async function run(): Promise<void> {
    while (pending.size > 0) {
      const skus = [...pending];
      pending.clear();
      for (const sku of skus) await wakeSku(sku);
    }
  }

  const start = () => {
    loop ??= run()
      .catch((err: unknown) => opts.log.error('stock waker failed', { err }))
      .finally(() => {
        loop = undefined;
        // A SKU queued after the loop's last check but before it ended.
        if (pending.size > 0) start();
      });
  };

  return {
    wake(skus) {
      for (const sku of skus) pending.add(sku);
      if (pending.size > 0) start();
    },
    async drain() {
      while (loop) await loop;
    },
  };
}
