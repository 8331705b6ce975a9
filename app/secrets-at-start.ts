/**
 * What every process says and does about stored secrets when it starts (docs/design.md §20):
 * seals the ones still in plaintext when SECRETS_KEY is set, and warns about what the
 * configuration leaves open.
 */
import type { Knex } from 'knex';
import type { Config } from '../config/config';
import { sealStoredSecrets } from '../integrations/stored-secrets';
import type { Logger } from '../platform/logger';

export async function prepareSecrets(knex: Knex, config: Pick<Config, 'secrets' | 'integration'>, log: Logger): Promise<void> {
  if (config.integration.secret !== undefined) {
    log.warn(
      'INTEGRATION_SECRET is set: it signs messages to every warehouse without a signing secret of its own (and to the carrier without CARRIER_SECRET), so any such warehouse can forge messages to the others; give each its own with POST /warehouses/:id/signing-secret',
    );
  }
  const { sealed, plaintextLeft } = await sealStoredSecrets(knex, config.secrets.key);
  if (sealed > 0) log.info('stored secrets sealed with SECRETS_KEY', { sealed });
  if (config.secrets.key === undefined) {
    log.warn('SECRETS_KEY is not set: webhook and warehouse signing secrets are stored unencrypted (development only; set it and they are sealed at the next start)', { plaintext: plaintextLeft });
  }
}
