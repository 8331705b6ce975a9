/**
 * What sourcing needs beyond the stock levels ledger_context() reads (docs/design.md §17):
 * where each active warehouse ships to, its daily capacity and how many fulfillments it has
 * opened today. Read on every planning attempt, so a re-plan after a stale write sees the
 * counts that made it stale.
 */
import type { Knex } from 'knex';
import type { LedgerContext } from './context';
import { stockFromContext } from './context';
import type { SourcingWarehouse } from './sourcing-types';

export interface WarehouseFacts {
  countries?: string[];
  dailyCapacity?: number;
  openedToday: number;
}

interface FactRow {
  id: string;
  countries: string[] | null;
  daily_capacity: number | null;
  opened: number;
}

export async function readWarehouseFacts(db: Knex | Knex.Transaction): Promise<Map<string, WarehouseFacts>> {
  const { rows } = await db.raw<{ rows: FactRow[] }>(
    `SELECT w.id, w.countries, w.daily_capacity, coalesce(d.opened, 0) AS opened
       FROM warehouses w LEFT JOIN warehouse_daily_opened d ON d.warehouse_id = w.id AND d.day = ledger_utc_day()
      WHERE w.active`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        ...(r.countries === null ? {} : { countries: r.countries }),
        ...(r.daily_capacity === null ? {} : { dailyCapacity: r.daily_capacity }),
        openedToday: r.opened,
      },
    ]),
  );
}

/** The context's stock of active warehouses, with the facts, in the shape source() takes. */
export function sourcingSnapshot(ctx: LedgerContext, facts: ReadonlyMap<string, WarehouseFacts>): SourcingWarehouse[] {
  return stockFromContext(ctx).map((w) => ({ ...w, ...(facts.get(w.warehouseId) ?? { openedToday: 0 }) }));
}
