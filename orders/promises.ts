/**
 * Promise dates of backordered orders (docs/design.md §15), kept in `order_promises`. A pass
 * reads the waiting orders and the supply of their SKUs, computes every promise with the pure
 * domain/promises.ts, and writes the ones that changed — with its `order.promise_changed` event
 * in the same transaction and an event id from the row's change count.
 *
 * A pass is one transaction under an advisory lock that a replica only tries for: while one
 * replica's pass runs, another's is skipped (the next interval picks up what it would have
 * seen). Without it, a pass that read its inputs before another replica's pass and wrote after
 * it put back the older promise, and announced the change again on its next pass: three
 * events for one change (test/promise-replicas.test.ts). So any number of replicas may run the
 * loop, and each change is written and announced once.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { promiseDates, type PromiseOrder, type PromiseSupply } from '../domain/promises';
import type { OrderView } from '../domain/types';
import type { EmitDocumentEvents } from './document-records';
import { supplyBySku } from './supply';

export interface PromisePass {
  /** Orders whose promise was written (changed) by this pass. */
  changed: Array<{ orderId: string; promisedAt: string | null; previousPromisedAt: string | null }>;
  /** The inputs were the same as the previous pass's, or another replica's pass was running: nothing was computed. */
  skipped: boolean;
}

interface WaitingRow {
  order_id: string;
  view: OrderView;
  created_at: Date;
}

/** When the order started waiting: its last move into awaiting_stock, else its creation. */
function waitingSince(row: WaitingRow): string {
  const entry = [...row.view.history].reverse().find((h) => h.status === 'awaiting_stock');
  return entry?.at ?? row.created_at.toISOString();
}

export async function promiseInputs(knex: Knex): Promise<{ orders: PromiseOrder[]; supply: Map<string, PromiseSupply[]> }> {
  const [{ rows }, warehouses] = await Promise.all([
    knex.raw<{ rows: WaitingRow[] }>(
      `SELECT order_id, view, created_at FROM order_records
        WHERE status IN ('awaiting_stock', 'on_hold') AND jsonb_array_length(coalesce(view->'backordered', '[]'::jsonb)) > 0`,
    ),
    knex('warehouses').where('active', true).pluck('id') as Promise<string[]>,
  ]);
  const orders: PromiseOrder[] = rows.map((r) => {
    const rejected = new Set(r.view.fulfillments.filter((f) => f.status === 'rejected').map((f) => f.warehouseId));
    return {
      orderId: r.order_id,
      shipBy: (r.view as OrderView & { shipBy?: string }).shipBy ?? null,
      waitingSince: waitingSince(r),
      backordered: r.view.backordered,
      warehouses: warehouses.filter((w) => !rejected.has(w)),
    };
  });
  const skus = [...new Set(orders.flatMap((o) => o.backordered.map((l) => l.sku)))];
  const bySku = await supplyBySku(knex, skus);
  const supply = new Map([...bySku].map(([sku, list]) => [sku, list.map((e) => ({ warehouseId: e.warehouseId, quantity: e.quantity, expectedAt: e.expectedAt, key: `${e.source}:${e.id}` }))]));
  return { orders, supply };
}

/** One promise pass at a time across replicas: a two-key advisory lock beside the ledger's (4998215–4998217). */
const PASS_LOCK = 'SELECT pg_try_advisory_xact_lock(4998218, 0) AS got';

export interface PromiseStoreOptions {
  /** Tests: holds a pass between reading its inputs and writing (to interleave two replicas' passes). */
  afterInputs?: () => Promise<void>;
}

export function createPromiseStore(knex: Knex, emit?: EmitDocumentEvents, opts: PromiseStoreOptions = {}) {
  let lastInputs = '';

  async function write(trx: Knex.Transaction, orderId: string, promisedAt: string | null): Promise<PromisePass['changed'][number] | undefined> {
    await trx.raw('INSERT INTO order_promises (order_id, promised_at) VALUES (?, NULL) ON CONFLICT (order_id) DO NOTHING', [orderId]);
    const row = (await trx('order_promises').where('order_id', orderId).forUpdate().first('promised_at', 'changes', 'waiting')) as { promised_at: Date | null; changes: number; waiting: boolean };
    // A new wait starts with no promise, as a new row does; its changes count on from the last wait's.
    const previous = row.waiting && row.promised_at ? row.promised_at.toISOString() : null;
    if (previous === promisedAt) {
      if (!row.waiting) await trx('order_promises').where('order_id', orderId).update({ promised_at: null, waiting: true, updated_at: trx.fn.now() });
      return undefined;
    }
    await trx('order_promises').where('order_id', orderId).update({ promised_at: promisedAt, changes: row.changes + 1, waiting: true, updated_at: trx.fn.now() });
    const change = { orderId, promisedAt, previousPromisedAt: previous };
    await emit?.(trx, [{ type: 'order.promise_changed', id: `promise:${orderId}:${row.changes + 1}`, data: change }]);
    return change;
  }

  return {
    /** One recompute: every waiting order's promise as of now; only changes are written. Skipped while another replica's pass runs. */
    async pass(): Promise<PromisePass> {
      return knex.transaction(async (trx) => {
        const { rows } = await trx.raw<{ rows: Array<{ got: boolean }> }>(PASS_LOCK);
        if (!rows[0].got) return { changed: [], skipped: true };
        const { orders, supply } = await promiseInputs(trx);
        const fingerprint = createHash('sha256').update(JSON.stringify([orders, [...supply]])).digest('hex');
        if (fingerprint === lastInputs) return { changed: [], skipped: true };
        await opts.afterInputs?.();
        const promises = promiseDates(orders, supply);
        const changed: PromisePass['changed'] = [];
        for (const [orderId, promisedAt] of promises) {
          const c = await write(trx, orderId, promisedAt);
          if (c) changed.push(c);
        }
        // Orders that no longer wait keep no promise; the row stays so a later wait's events get new ids.
        const waiting = orders.map((o) => o.orderId);
        // One array binding, however many orders wait.
        await trx.raw('UPDATE order_promises SET waiting = false, promised_at = NULL, updated_at = now() WHERE waiting AND NOT (order_id = ANY(?::text[]))', [waiting]);
        // Set when the transaction commits: a pass rolled back leaves the next one to compute again.
        return { changed, skipped: false, fingerprint };
      }).then(({ fingerprint, ...pass }: PromisePass & { fingerprint?: string }) => {
        if (fingerprint) lastInputs = fingerprint;
        return pass;
      });
    },

    async get(orderId: string): Promise<string | null | undefined> {
      const row = (await knex('order_promises').where({ order_id: orderId, waiting: true }).first('promised_at')) as { promised_at: Date | null } | undefined;
      if (!row) return undefined;
      return row.promised_at ? row.promised_at.toISOString() : null;
    },
  };
}

export type PromiseStore = ReturnType<typeof createPromiseStore>;
