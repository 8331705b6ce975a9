import { randomBytes } from 'node:crypto';
import { createKnex, dropDatabase, ensureDatabase } from '../platform/database';
import type { Knex } from 'knex';
import { MIGRATIONS, migrationSource as allMigrations, type Migration } from '../migrations';

// Only 001 and 002: the migrations after them are not what this test is about.
const migrationSource: Knex.MigrationSource<Migration> = { ...allMigrations, getMigrations: async () => MIGRATIONS.slice(0, 2) };

/** A database that ran only 001, with orders in every state, upgraded to 002 and back. */
describe('migration 002_closed_orders on a 001 database', () => {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `${url.pathname}_up${randomBytes(3).toString('hex')}`;
  const databaseUrl = url.toString();
  const knex = createKnex(databaseUrl, 2);

  beforeAll(() => ensureDatabase(databaseUrl));
  afterAll(async () => {
    await knex.destroy();
    await dropDatabase(databaseUrl);
  });

  it('closes the orders that shipped everything and keeps only open demand in the index', async () => {
    await knex.migrate.up({ migrationSource });
    await knex.raw(`
      INSERT INTO ledger_orders (order_id, status) VALUES ('delivered', 'open'), ('waiting', 'open'), ('cancelled', 'released');
      INSERT INTO order_demands (order_id, sku, quantity) VALUES ('delivered', 'a', 2), ('waiting', 'a', 3), ('cancelled', 'a', 1);
      INSERT INTO reservations (order_id, warehouse_id, sku, status, quantity)
        VALUES ('delivered', 'w', 'a', 'shipped', 2), ('waiting', 'w', 'a', 'shipped', 1), ('waiting', 'w', 'a', 'held', 1),
               ('cancelled', 'w', 'a', 'released', 1);`);
    await knex.migrate.latest({ migrationSource });

    expect(await knex('ledger_orders').orderBy('order_id').select('order_id', 'status')).toEqual([
      { order_id: 'cancelled', status: 'released' },
      { order_id: 'delivered', status: 'closed' },
      { order_id: 'waiting', status: 'open' },
    ]);
    expect(await knex('order_demands').orderBy('order_id').select('order_id', 'open')).toEqual([
      { order_id: 'cancelled', open: false },
      { order_id: 'delivered', open: false },
      { order_id: 'waiting', open: true },
    ]);

    await knex.migrate.down({ migrationSource });
    expect(await knex('ledger_orders').where({ order_id: 'delivered' }).first('status')).toEqual({ status: 'open' });
    expect(await knex.migrate.latest({ migrationSource })).toEqual([2, ['002_closed_orders']]);
  });
});
