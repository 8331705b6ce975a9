import type { Knex } from 'knex';
import type { ReorderAlert } from './types';

/*
 * Alerts are opened and cleared inside the write transactions, by ledger_evaluate_alert()
 * (see migrations/001_ledger.functions.ts): at most one open alert per SKU, enforced by a
 * partial unique index, so an alert opens once per crossing rather than per movement.
 */

export async function openAlerts(knex: Knex): Promise<ReorderAlert[]> {
  const rows = await knex('reorder_alerts')
    .select<Array<{ id: string; sku: string; available: number; reorder_point: number; opened_at: Date }>>(
      'id',
      'sku',
      'available',
      'reorder_point',
      'opened_at',
    )
    .whereNull('cleared_at')
    .orderBy([{ column: 'opened_at' }, { column: 'id' }]);
  return rows.map((r) => ({
    id: String(r.id),
    sku: r.sku,
    available: r.available,
    reorderPoint: r.reorder_point,
    openedAt: r.opened_at.toISOString(),
  }));
}
