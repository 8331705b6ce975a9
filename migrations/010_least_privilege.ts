import type { Knex } from 'knex';
import type { Migration } from './migration';

/*
 * Signing secrets per warehouse (docs/design.md §20): the current secret of each warehouse that
 * has its own, and the previous one with the end of its grace, both stored sealed with
 * SECRETS_KEY (platform/secret-box.ts). A warehouse without a row is signed for with
 * INTEGRATION_SECRET (compatibility).
 *
 * Existing webhook subscription secrets are sealed by sealStoredSecrets
 * (integrations/stored-secrets.ts) at every start and by `migrate`, not here: a migration runs
 * once and receives no configuration, so one run without SECRETS_KEY would leave them plaintext
 * for ever; the start step converges whenever a key is set (and logs how many it sealed).
 */
const UP_SQL = `
CREATE TABLE warehouse_signing_secrets (
  warehouse_id text PRIMARY KEY REFERENCES warehouses (id) ON DELETE CASCADE,
  secret text NOT NULL,
  previous_secret text,
  previous_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret IS NULL) = (previous_until IS NULL))
);
`;

const DOWN_SQL = `
DROP TABLE IF EXISTS warehouse_signing_secrets;
`;

export const leastPrivilegeMigration: Migration = {
  name: '010_least_privilege',
  async up(knex: Knex) {
    await knex.raw(UP_SQL);
  },
  async down(knex: Knex) {
    await knex.raw(DOWN_SQL);
  },
};
