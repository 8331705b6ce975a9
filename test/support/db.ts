import type { Knex } from 'knex';
import { createKnex } from '../../platform/database';

/** A knex on the run's database (created and migrated by global setup). */
export function testKnex(poolMax = 10): Knex {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (global setup creates the database)');
  return createKnex(url, poolMax);
}
