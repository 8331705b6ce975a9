/*
 * How `GET /orders/:id` reads scale with the number of order records: fills a scratch
 * database with closed orders (10k, then 100k) and times records.get() for random ones.
 * A primary-key read should barely move between the two sizes; a large p50 ratio means a
 * plan or TOAST problem. Not part of `npm test` or run-all.
 *
 *   npm run build && node dist/bench/records.js
 *   BENCH_RECORDS_SAMPLES (default 5000) reads per size; BENCH_PG_URL as for the other benches.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex } from '../platform/database';
import { createOrderRecords } from '../orders';
import { orderWorkflowId, type OrderView } from '../domain/types';
import { Cleanup, envInt, fmt, latencies, scratchDatabase, type Latencies } from './common';

const SIZES = [10_000, 100_000];
const BATCH = 5_000;
const WARMUP = 500;

/** A delivered two-parcel order with the timeline a real one leaves, so rows are realistically wide. */
function closedView(orderId: string): OrderView {
  const at = (m: number) => new Date(Date.UTC(2025, 0, 1, 8, m)).toISOString();
  const statuses = ['received', 'reserved', 'picking', 'packing', 'shipping', 'shipped', 'delivered'] as const;
  return {
    orderId,
    status: 'delivered',
    channel: 'web',
    customer: { id: 'TEMPLATE-CUSTOMER', email: 'customer@example.com', name: 'A Customer' },
    shippingAddress: { name: 'A Customer', line1: '1 Long Street', line2: 'Flat 2', city: 'Utrecht', postalCode: '3511 AB', country: 'NL' },
    shippingMethod: 'standard',
    lines: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }, { sku: 'SKU-3', quantity: 4 }],
    allocations: [{ warehouseId: 'WH-A', sku: 'SKU-1', quantity: 2 }, { warehouseId: 'WH-A', sku: 'SKU-2', quantity: 1 }, { warehouseId: 'WH-B', sku: 'SKU-3', quantity: 4 }],
    backordered: [],
    fulfillments: ['WH-A', 'WH-B'].map((warehouseId, i) => ({
      fulfillmentId: `f${i + 1}`,
      warehouseId,
      lines: i === 0 ? [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }] : [{ sku: 'SKU-3', quantity: 4 }],
      status: 'delivered' as const,
      pickTaskId: `pick-${i + 1}`,
      shipment: { carrier: 'postnl', trackingNumber: `3S${i}TEMPLATE000000`, labelId: `label-${i + 1}`, shippedAt: at(40), deliveredAt: at(59) },
    })),
    holds: [{ holdId: 'h1', reason: 'fraud_check', note: 'score 0.7', placedAt: at(1), releasedAt: at(3), releasedBy: 'request' }],
    pickTaskId: 'pick-1',
    shipment: { carrier: 'postnl', trackingNumber: '3S0TEMPLATE000000', labelId: 'label-1', shippedAt: at(40), deliveredAt: at(59) },
    history: statuses.map((status, i) => ({ at: at(i * 9), status })),
    edits: 0,
  };
}

/** Inserts orders [from, to) server-side from one template, in batches. */
async function fill(knex: Knex, from: number, to: number): Promise<void> {
  const template = JSON.stringify(closedView('TEMPLATE'));
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH) - 1;
    await knex.transaction(async (trx) => {
      await trx.raw(
        `INSERT INTO order_records (order_id, request_hash, channel, customer_id, customer_email, status, view, workflow_id, run_id, version, created_at, updated_at)
         SELECT 'bench-' || g, md5(g::text), 'web', 'cust-' || (g % 5000), 'customer@example.com', 'delivered',
                jsonb_set(jsonb_set(?::jsonb, '{orderId}', to_jsonb('bench-' || g)), '{customer,id}', to_jsonb('cust-' || (g % 5000))),
                'order-bench-' || g, md5('run' || g), 12,
                timestamptz '2025-01-01' + g * interval '1 second', timestamptz '2025-01-01' + g * interval '1 second'
         FROM generate_series(?::int, ?::int) g`,
        [template, start, end],
      );
      await trx.raw(`INSERT INTO order_record_skus (order_id, sku, created_at) SELECT r.order_id, k.sku, r.created_at FROM order_records r, unnest(array['SKU-1','SKU-2','SKU-3']) k(sku) WHERE r.order_id IN (SELECT 'bench-' || g FROM generate_series(?::int, ?::int) g)`, [start, end]);
      await trx.raw(`INSERT INTO order_record_warehouses (order_id, warehouse_id, created_at) SELECT r.order_id, w.id, r.created_at FROM order_records r, unnest(array['WH-A','WH-B']) w(id) WHERE r.order_id IN (SELECT 'bench-' || g FROM generate_series(?::int, ?::int) g)`, [start, end]);
    });
  }
  await knex.raw('VACUUM ANALYZE order_records, order_record_skus, order_record_warehouses');
}

async function timeGets(knex: Knex, size: number, samples: number): Promise<Latencies> {
  const records = createOrderRecords(knex, { cursorSecret: randomBytes(32) });
  const pick = () => `bench-${Math.floor(Math.random() * size)}`;
  for (let i = 0; i < WARMUP; i++) await records.get(pick());
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = pick();
    const t0 = process.hrtime.bigint();
    const r = await records.get(id);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r?.view.orderId !== id || r.workflowId !== orderWorkflowId(id)) throw new Error(`get(${id}) returned the wrong record`);
  }
  return latencies(ms);
}

async function main(): Promise<number> {
  const samples = envInt('BENCH_RECORDS_SAMPLES', 5_000);
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  try {
    const url = await scratchDatabase(cleanup, 'records');
    const knex = createKnex(url, 2);
    cleanup.add('close knex', () => knex.destroy());
    const rows: { size: number; seconds: number; bytes: string; get: Latencies }[] = [];
    let filled = 0;
    for (const size of SIZES) {
      const t0 = Date.now();
      await fill(knex, filled, size);
      filled = size;
      const seconds = (Date.now() - t0) / 1000;
      const { rows: sz } = await knex.raw<{ rows: { s: string }[] }>(`SELECT pg_size_pretty(pg_total_relation_size('order_records')) AS s`);
      rows.push({ size, seconds, bytes: sz[0].s, get: await timeGets(knex, size, samples) });
      console.error(`[bench] ${size} records: filled in ${fmt(seconds)} s`);
    }
    console.log(`\n## Order record reads (${new Date().toISOString()}, ${samples} random get() per size, 1 client)\n`);
    console.log('| records | table size | get p50 ms | get p99 ms | mean ms |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.size} | ${r.bytes} | ${fmt(r.get.p50, 3)} | ${fmt(r.get.p99, 3)} | ${fmt(r.get.mean, 3)} |`);
    const [small, large] = rows;
    console.log(`\n${large.size}/${small.size}: p50 ratio ${fmt(large.get.p50 / small.get.p50, 2)}, p99 ratio ${fmt(large.get.p99 / small.get.p99, 2)}`);
    return 0;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
