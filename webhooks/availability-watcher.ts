/**
 * inventory.available_changed, coalesced. Every stock_levels change (and a safety-stock
 * change) appends a mark in the ledger's own transaction (trigger, migration 004). Once
 * per window this loop drains the marks, computes each marked SKU's availability for
 * every channel, compares it with what was last sent, and emits one event per SKU whose
 * figures moved — so a burst of reservations inside one window is one event, and a
 * reserve-then-release inside it is none. Marks, comparison and emit share a transaction:
 * a crash before commit leaves the marks for the next pass, so no change is lost.
 * Replicas split the marks with SKIP LOCKED and serialise per SKU on its sent row.
 */
import type { Knex } from 'knex';
import { availabilityBySku, type SkuAvailability } from '../channels/availability';
import { channelRows } from '../channels/store';
import { kitsContaining } from '../ledger/kits';
import { emitEvent } from './outbox';
import type { DispatcherLog } from './dispatcher';

export interface WatcherOptions {
  knex: Knex;
  /** The coalescing window: how often the marks are drained. */
  windowMs: number;
  /** Marks drained per pass (several per SKU are common). Default 5000. */
  batchSize?: number;
  log?: DispatcherLog;
}

export interface Watcher {
  /** One pass: resolves with the number of events emitted. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

type Snapshot = Pick<SkuAvailability, 'available' | 'byChannel'>;

/** Key order differs between jsonb and JS objects, so compare field by field. */
export function sameSnapshot(a: Snapshot | null, b: Snapshot): boolean {
  if (a === null || a.available !== b.available) return false;
  const ka = Object.keys(a.byChannel);
  const kb = Object.keys(b.byChannel);
  return ka.length === kb.length && kb.every((k) => a.byChannel[k] === b.byChannel[k]);
}

export async function drainMarks(knex: Knex, batchSize = 5_000): Promise<number> {
  return knex.transaction(async (trx) => {
    const { rows: marks } = await trx.raw<{ rows: Array<{ sku: string }> }>(
      `DELETE FROM stock_change_marks WHERE id IN (SELECT id FROM stock_change_marks ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING sku`,
      [batchSize],
    );
    if (marks.length === 0) return 0;
    // A component's change moves its kits' availability too (docs/design.md §18).
    const marked = [...new Set(marks.map((m) => m.sku))];
    // Sorted, so two replicas lock sent rows in the same order and never deadlock.
    const skus = [...new Set([...marked, ...(await kitsContaining(trx, marked))])].sort();
    await trx.raw(`INSERT INTO channel_availability_sent (sku) SELECT unnest(?::text[]) ORDER BY 1 ON CONFLICT (sku) DO NOTHING`, [skus]);
    const { rows: sent } = await trx.raw<{ rows: Array<{ sku: string; snapshot: Snapshot | null }> }>(
      `SELECT sku, snapshot FROM channel_availability_sent WHERE sku = ANY (?::text[]) ORDER BY sku FOR UPDATE`,
      [skus],
    );
    const last = new Map(sent.map((r) => [r.sku, r.snapshot]));
    // Read under the sent rows' locks: the next pass for these SKUs reads after this one
    // commits, so asOf grows with sequence (docs/design.md §18).
    const { rows: clock } = await trx.raw<{ rows: Array<{ as_of: Date }> }>('SELECT clock_timestamp() AS as_of');
    const asOf = new Date(clock[0].as_of).toISOString();
    const current = await availabilityBySku(trx, skus, await channelRows(trx));
    let emitted = 0;
    for (const a of current) {
      const snapshot: Snapshot = { available: a.available, byChannel: a.byChannel };
      if (sameSnapshot(last.get(a.sku) ?? null, snapshot)) continue;
      // The per-SKU counter moves in the same statement that records what was sent, so
      // replicas agree on it; the event carries it, and a retried delivery repeats it.
      const [row] = await trx('channel_availability_sent')
        .where({ sku: a.sku })
        .update({ snapshot: JSON.stringify(snapshot), sent_at: asOf, sequence: trx.raw('sequence + 1') })
        .returning<Array<{ sequence: string }>>('sequence');
      await emitEvent(trx, { type: 'inventory.available_changed', data: { sku: a.sku, ...snapshot, sequence: Number(row.sequence), asOf } });
      emitted++;
    }
    return emitted;
  });
}

export function startAvailabilityWatcher(options: WatcherOptions): Watcher {
  const log: DispatcherLog = options.log ?? ((level, message, fields) => console[level](`[webhooks] ${message}`, fields ?? ''));
  let running = true;
  let wake: (() => void) | undefined;
  const runOnce = () => drainMarks(options.knex, options.batchSize);
  const loop = (async () => {
    while (running) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.windowMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!running) break;
      try {
        await runOnce();
      } catch (err) {
        log('warn', 'availability pass failed; the marks stay for the next one', { err: (err as Error).message });
      }
    }
  })();
  return {
    runOnce,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
