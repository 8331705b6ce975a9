import { testKnex } from './support/db';
import { migrate } from '../platform/database';
import { MIGRATIONS } from '../migrations';

describe('migrations', () => {
  const knex = testKnex(2);
  afterAll(() => knex.destroy());

  it('are all applied by global setup and a second run applies nothing', async () => {
    const applied = await knex('knex_migrations').pluck('name');
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrate(knex)).toEqual([]);
  });
});
