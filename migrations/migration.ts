/** The shape of one migration (a migration imports it from here, not from index.ts, which imports every migration). */
import type { Knex } from 'knex';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
