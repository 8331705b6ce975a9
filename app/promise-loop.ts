/**
 * Recomputes promise dates (docs/design.md §15) every PROMISE_INTERVAL beside the worker,
 * like the webhook loops: outside Temporal, so no order's history grows for it. A pass with
 * the same inputs as the last one writes nothing; one that finds changes writes each once, and
 * one pass runs at a time across replicas (orders/promises.ts), so N replicas running this loop
 * announce every change once.
 */
import type { Knex } from 'knex';
import { createPromiseStore, type PromisePass } from '../orders/promises';
import type { EmitDocumentEvents } from '../orders';
import type { Logger } from '../platform/logger';

export interface PromiseLoop {
  /** Runs a pass now (tests, shutdown); resolves with its outcome. */
  runOnce(): Promise<PromisePass>;
  stop(): Promise<void>;
}

export function startPromiseLoop(opts: { knex: Knex; intervalMs: number; emit?: EmitDocumentEvents; log?: Logger }): PromiseLoop {
  const store = createPromiseStore(opts.knex, opts.emit);
  let stopped = false;
  let running: Promise<PromisePass> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const runOnce = (): Promise<PromisePass> => {
    running ??= store.pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = async () => {
    try {
      const pass = await runOnce();
      if (pass.changed.length > 0) opts.log?.info('promise dates changed', { orders: pass.changed.length });
    } catch (err) {
      opts.log?.warn('promise recompute failed; next pass at the next interval', { err });
    }
    if (!stopped) timer = setTimeout(() => void tick(), opts.intervalMs);
  };
  timer = setTimeout(() => void tick(), 0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
