/** Sales channels: the rule each one lists stock by, and the warehouses it sells from. */
import type { Knex } from 'knex';
import type { SourcingRule } from '../ledger/sourcing-types';
import { bpToPercent, percentToBp, type ChannelRule } from './formula';

export interface Channel {
  id: string;
  name: string;
  bufferPercent: number;
  bufferUnits: number;
  maxListed?: number;
  /** Absent: every active warehouse. */
  warehouseIds?: string[];
  /** Where its orders ship from (docs/design.md §17); absent: priority. */
  sourcing?: SourcingRule;
  /** Its orders' shipBy is their creation plus this, unless they name one. */
  shipWithinHours?: number;
  createdAt: string;
  updatedAt: string;
}

export interface ChannelInput {
  id: string;
  name: string;
  bufferPercent?: number;
  bufferUnits?: number;
  /** null clears the cap. */
  maxListed?: number | null;
  /** null: back to every active warehouse. */
  warehouseIds?: string[] | null;
  /** null: back to priority. */
  sourcing?: SourcingRule | null;
  /** null: no ship-by from the channel. */
  shipWithinHours?: number | null;
}

export interface ChannelRow {
  id: string;
  name: string;
  buffer_bp: number;
  buffer_units: number;
  max_listed: number | null;
  warehouse_ids: string[] | null;
  sourcing: SourcingRule | null;
  ship_within_hours: number | null;
  created_at: Date;
  updated_at: Date;
}

export const ruleOf = (r: Pick<ChannelRow, 'buffer_bp' | 'buffer_units' | 'max_listed'>): ChannelRule => ({
  bufferBp: r.buffer_bp,
  bufferUnits: r.buffer_units,
  ...(r.max_listed === null ? {} : { maxListed: r.max_listed }),
});

const toChannel = (r: ChannelRow): Channel => ({
  id: r.id,
  name: r.name,
  bufferPercent: bpToPercent(r.buffer_bp),
  bufferUnits: r.buffer_units,
  ...(r.max_listed === null ? {} : { maxListed: r.max_listed }),
  ...(r.warehouse_ids === null ? {} : { warehouseIds: r.warehouse_ids }),
  ...(r.sourcing === null ? {} : { sourcing: r.sourcing }),
  ...(r.ship_within_hours === null ? {} : { shipWithinHours: r.ship_within_hours }),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Omitted fields keep their stored values on update (0 / no cap / all warehouses on insert). */
export async function upsertChannel(knex: Knex, input: ChannelInput): Promise<{ channel: Channel; created: boolean }> {
  const bp = input.bufferPercent === undefined ? null : percentToBp(input.bufferPercent);
  const units = input.bufferUnits ?? null;
  const setMax = input.maxListed !== undefined;
  const setWh = input.warehouseIds !== undefined;
  const whs = input.warehouseIds ? [...new Set(input.warehouseIds)] : null;
  const setSourcing = input.sourcing !== undefined;
  const sourcing = input.sourcing ? JSON.stringify(input.sourcing) : null;
  const setHours = input.shipWithinHours !== undefined;
  const { rows } = await knex.raw<{ rows: Array<ChannelRow & { created: boolean }> }>(
    `INSERT INTO channels AS c (id, name, buffer_bp, buffer_units, max_listed, warehouse_ids, sourcing, ship_within_hours)
     VALUES (?, ?, coalesce(?::integer, 0), coalesce(?::integer, 0), ?::integer, ?::text[], ?::jsonb, ?::double precision)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
       buffer_bp = coalesce(?::integer, c.buffer_bp),
       buffer_units = coalesce(?::integer, c.buffer_units),
       max_listed = CASE WHEN ?::boolean THEN excluded.max_listed ELSE c.max_listed END,
       warehouse_ids = CASE WHEN ?::boolean THEN excluded.warehouse_ids ELSE c.warehouse_ids END,
       sourcing = CASE WHEN ?::boolean THEN excluded.sourcing ELSE c.sourcing END,
       ship_within_hours = CASE WHEN ?::boolean THEN excluded.ship_within_hours ELSE c.ship_within_hours END,
       updated_at = now()
     RETURNING *, (xmax = 0) AS created`,
    [input.id, input.name, bp, units, input.maxListed ?? null, whs, sourcing, input.shipWithinHours ?? null, bp, units, setMax, setWh, setSourcing, setHours],
  );
  return { channel: toChannel(rows[0]), created: rows[0].created };
}

export async function listChannels(knex: Knex): Promise<Channel[]> {
  return (await knex('channels').select<ChannelRow[]>('*').orderBy('id')).map(toChannel);
}

export async function channelRows(knex: Knex): Promise<ChannelRow[]> {
  return knex('channels').select<ChannelRow[]>('*').orderBy('id');
}

export async function getChannelRow(knex: Knex, id: string): Promise<ChannelRow | undefined> {
  return knex('channels').where({ id }).first<ChannelRow | undefined>('*');
}

/** What an order of this channel is placed with (docs/design.md §17); defaults for an unknown channel. */
export async function channelOrderTerms(knex: Knex, id: string): Promise<{ sourcing?: SourcingRule; shipWithinHours?: number }> {
  const row = await knex('channels').where({ id }).first<Pick<ChannelRow, 'sourcing' | 'ship_within_hours'> | undefined>('sourcing', 'ship_within_hours');
  return {
    ...(row?.sourcing ? { sourcing: row.sourcing } : {}),
    ...(row?.ship_within_hours == null ? {} : { shipWithinHours: row.ship_within_hours }),
  };
}
