import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createLedger } from '../ledger';
import type { Ledger } from '../ledger';
import { testKnex } from './support/db';

/**
 * All suites share one database, so every test names its warehouses, SKUs, orders and
 * keys with its own random prefix and asserts only on rows carrying that prefix.
 */
export function namer(): (name: string) => string {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  return (name) => `${prefix}-${name}`;
}

export interface LedgerHarness {
  knex: Knex;
  ledger: Ledger;
}

export function ledgerHarness(poolMax = 6): LedgerHarness & { close(): Promise<void> } {
  const knex = testKnex(poolMax);
  return { knex, ledger: createLedger(knex), close: () => knex.destroy() };
}

export interface StockSpec {
  warehouses: Array<{ id: string; priority?: number; active?: boolean }>;
  skus: Array<{ sku: string; reorderPoint?: number }>;
  stock?: Array<{ warehouseId: string; sku: string; quantity: number }>;
}

export async function givenStock(ledger: Ledger, spec: StockSpec): Promise<void> {
  for (const w of spec.warehouses) await ledger.upsertWarehouse({ id: w.id, name: `warehouse ${w.id}`, priority: w.priority, active: w.active });
  for (const s of spec.skus) await ledger.upsertSku({ sku: s.sku, name: `item ${s.sku}`, reorderPoint: s.reorderPoint });
  for (const s of spec.stock ?? []) {
    await ledger.receive({ warehouseId: s.warehouseId, sku: s.sku, quantity: s.quantity, key: `setup:${s.warehouseId}:${s.sku}` });
  }
}

export interface Balance {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
}

export async function balances(knex: Knex, skus: string[]): Promise<Balance[]> {
  return knex('stock_levels').select<Balance[]>('warehouse_id', 'sku', 'on_hand', 'reserved').whereIn('sku', skus).orderBy(['warehouse_id', 'sku']);
}

export async function movementCount(knex: Knex, skus: string[]): Promise<number> {
  const row = await knex('stock_movements').whereIn('sku', skus).count<{ count: string }>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}

export async function heldUnits(knex: Knex, skus: string[]): Promise<number> {
  const row = await knex('reservations').whereIn('sku', skus).where({ status: 'held' }).sum<{ sum: string | null }>({ sum: 'quantity' }).first();
  return Number(row?.sum ?? 0);
}
