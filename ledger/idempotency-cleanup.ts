/**
 * Expiry of the ledger's idempotency records (`ledger_idempotency`). Movements are kept
 * forever (the audit trail); a key's record only answers repeats within the retention
 * window, after which a repeat of the key is a new request.
 *
 * Deletes in small batches, each its own short statement: a batch locks at most
 * `batchSize` rows that no writer touches any more (they are older than the window), so
 * writes never wait behind the cleanup. SKIP LOCKED lets two cleanups (or a writer
 * re-reading a key) pass each other instead of queueing.
 */
import type { Knex } from 'knex';

export interface CleanupResult {
  deleted: number;
  batches: number;
}

export async function deleteExpiredIdempotency(
  knex: Knex,
  opts: { retentionMs: number; batchSize?: number; maxBatches?: number },
): Promise<CleanupResult> {
  const batchSize = opts.batchSize ?? 1000;
  const maxBatches = opts.maxBatches ?? 1000;
  let deleted = 0;
  let batches = 0;
  while (batches < maxBatches) {
    const result = await knex.raw(
      `DELETE FROM ledger_idempotency WHERE key IN (
         SELECT key FROM ledger_idempotency
          WHERE created_at < now() - make_interval(secs => ?)
          LIMIT ? FOR UPDATE SKIP LOCKED)`,
      [opts.retentionMs / 1000, batchSize],
    );
    const n = (result as { rowCount: number | null }).rowCount ?? 0;
    batches++;
    deleted += n;
    if (n < batchSize) break;
  }
  return { deleted, batches };
}
