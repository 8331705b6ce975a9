/**
 * The channel availability read over 10k SKUs (every page, as a channel's full sync does)
 * against a bare `SELECT sku, sum(on_hand - reserved) … GROUP BY sku` in the same run, on a
 * scratch database with 3 active warehouses and 1 inactive one. Run with
 * `node dist/bench/availability.js` (BENCH_SKUS, BENCH_ROUNDS to change the size).
 */
import { createKnex } from '../platform/database';
import { availabilityPage } from '../channels/availability';
import { getChannelRow, upsertChannel } from '../channels/store';
import { Cleanup, envInt, fmt, latencies, scratchDatabase } from './common';

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.installSignalHandlers();
  try {
    const skus = envInt('BENCH_SKUS', 10_000);
    const rounds = envInt('BENCH_ROUNDS', 15);
    const url = await scratchDatabase(cleanup, 'availability');
    const knex = createKnex(url, 4);
    cleanup.add('close pool', () => knex.destroy());

    const warehouses = ['w1', 'w2', 'w3', 'w-off'];
    await knex('warehouses').insert(warehouses.map((id, i) => ({ id, name: id, priority: i, active: id !== 'w-off' })));
    await knex.raw(`INSERT INTO skus (sku, name, safety_stock) SELECT 'sku-' || lpad(g::text, 6, '0'), 'item', g % 7 FROM generate_series(1, ?::int) g`, [skus]);
    for (const w of warehouses) {
      await knex.raw(`INSERT INTO stock_levels (warehouse_id, sku, on_hand, reserved) SELECT ?, sku, 100 + (hashtext(sku || ?) & 255), 0 FROM skus`, [w, w]);
    }
    await knex.raw('ANALYZE');
    await upsertChannel(knex, { id: 'web', name: 'Web', bufferPercent: 10, bufferUnits: 2, maxListed: 300 });
    await upsertChannel(knex, { id: 'wholesale', name: 'Wholesale', warehouseIds: ['w1', 'w2'] });

    const baseline = async () => {
      const { rows } = await knex.raw('SELECT sku, sum(on_hand - reserved) AS free FROM stock_levels GROUP BY sku');
      return rows.length as number;
    };
    const allPages = (channelId: string) => async () => {
      const channel = (await getChannelRow(knex, channelId))!;
      let count = 0;
      let after: string | undefined;
      do {
        const page = await availabilityPage(knex, channel, { after });
        count += page.items.length;
        after = page.next;
      } while (after);
      return count;
    };
    const measure = async (name: string, fn: () => Promise<number>) => {
      await fn(); // warm
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < rounds; i++) {
        const t = process.hrtime.bigint();
        rows = await fn();
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const l = latencies(times);
      console.log(`${name.padEnd(44)} rows ${String(rows).padStart(6)}  p50 ${fmt(l.p50)} ms  p95 ${fmt(l.p95)} ms  mean ${fmt(l.mean)} ms`);
      return l.p50;
    };
    console.log(`availability bench: ${skus} SKUs × ${warehouses.length} warehouses, ${rounds} rounds, page 500`);
    const base = await measure('baseline: GROUP BY sku (one query)', baseline);
    const web = await measure('channel web (all warehouses, all pages)', allPages('web'));
    const wholesale = await measure('channel wholesale (2 warehouses, all pages)', allPages('wholesale'));
    console.log(`ratio to baseline (p50): web ${fmt(web / base, 2)}×, wholesale ${fmt(wholesale / base, 2)}×`);
  } finally {
    await cleanup.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
