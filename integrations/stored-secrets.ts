/**
 * Signing secrets kept in Postgres (docs/design.md §20): each HTTP warehouse's own secret with
 * its previous one during SIGNING_SECRET_GRACE, and the sealing of every stored secret with
 * SECRETS_KEY (platform/secret-box.ts). No HTTP, no Temporal: the API creates and rotates, the
 * worker reads what to sign with at every send (one indexed row; a rotation applies to the next
 * message, never a cached old secret).
 */
import type { Knex } from 'knex';
import { isSealed, openSecret, sealSecret } from '../platform/secret-box';
import { generateSecret } from './signed-post';

export interface WarehouseSecretStore {
  /** What to sign a message to `warehouseId` with now: its own secret, then the previous one while its grace lasts; undefined when it has none of its own. */
  signingSecretsFor(warehouseId: string, now?: Date): Promise<string[] | undefined>;
  hasOwn(warehouseId: string): Promise<boolean>;
  /**
   * A new secret for the warehouse, answered once. The one it replaces — its own, or `previous`
   * (INTEGRATION_SECRET, which it was signed for with until now) — keeps signing beside it for
   * `graceMs`.
   */
  rotate(warehouseId: string, graceMs: number, previous?: string): Promise<string>;
  /** A secret only when the warehouse has none yet (the first fulfillmentUrl); undefined when it has. */
  createIfMissing(warehouseId: string): Promise<string | undefined>;
}

interface Row {
  secret: string;
  previous_secret: string | null;
  previous_until: Date | null;
}

/** `db` may be a getter: the API's pool is optional (AppDeps.knex) and asked for only when used. */
export function warehouseSecretStore(db: Knex | (() => Knex), key: Buffer | undefined): WarehouseSecretStore {
  const knexOf = (): Knex => (typeof db === 'function' && !('transaction' in db) ? (db as () => Knex)() : (db as Knex));
  const table = () => knexOf()<Row & { warehouse_id: string }>('warehouse_signing_secrets');
  return {
    async signingSecretsFor(warehouseId, now = new Date()) {
      const row = await table().where({ warehouse_id: warehouseId }).first('secret', 'previous_secret', 'previous_until');
      if (!row) return undefined;
      const secrets = [openSecret(row.secret, key)];
      if (row.previous_secret !== null && row.previous_until !== null && row.previous_until.getTime() > now.getTime()) secrets.push(openSecret(row.previous_secret, key));
      return secrets;
    },
    async hasOwn(warehouseId) {
      return (await table().where({ warehouse_id: warehouseId }).first('warehouse_id')) !== undefined;
    },
    async rotate(warehouseId, graceMs, previous) {
      const secret = generateSecret();
      await knexOf().transaction(async (trx) => {
        const old = await trx('warehouse_signing_secrets').where({ warehouse_id: warehouseId }).forUpdate().first<{ secret: string } | undefined>('secret');
        const replaced = old ? old.secret : previous === undefined ? undefined : sealSecret(previous, key);
        const grace = graceMs > 0 && replaced !== undefined ? { previous_secret: replaced, previous_until: new Date(Date.now() + graceMs) } : { previous_secret: null, previous_until: null };
        await trx('warehouse_signing_secrets')
          .insert({ warehouse_id: warehouseId, secret: sealSecret(secret, key), ...grace })
          .onConflict('warehouse_id')
          .merge({ secret: sealSecret(secret, key), ...grace, rotated_at: trx.fn.now() });
      });
      return secret;
    },
    async createIfMissing(warehouseId) {
      const secret = generateSecret();
      const inserted = await table().insert({ warehouse_id: warehouseId, secret: sealSecret(secret, key) }).onConflict('warehouse_id').ignore().returning('warehouse_id');
      return inserted.length > 0 ? secret : undefined;
    },
  };
}

/**
 * Seals every stored secret still in plaintext (rows from before migration 010, or written
 * without SECRETS_KEY). Run at each start with a key, and by `migrate`; idempotent. Answers how
 * many values it sealed.
 */
export async function sealStoredSecrets(
  knex: Knex,
  key: Buffer | undefined,
  /** Only these rows (tests on a shared database, where other suites' rows are not theirs to seal). */
  only?: { subscriptionIds: readonly string[]; warehouseIds: readonly string[] },
): Promise<{ sealed: number; plaintextLeft: number }> {
  const plain = (column: string) => `${column} IS NOT NULL AND ${column} NOT LIKE 'enc:v1:%'`;
  const subscriptions = (db: Knex) => {
    const q = db('webhook_subscriptions').whereRaw(plain('secret'));
    return only ? q.whereIn('id', only.subscriptionIds) : q;
  };
  const warehouseRows = (db: Knex) => {
    const q = db('warehouse_signing_secrets').whereRaw(`((${plain('secret')}) OR (${plain('previous_secret')}))`);
    return only ? q.whereIn('warehouse_id', only.warehouseIds) : q;
  };
  if (key === undefined) {
    const [{ n: webhooks }] = await subscriptions(knex).count<{ n: string }[]>({ n: '*' });
    const [{ n: warehouses }] = await warehouseRows(knex).count<{ n: string }[]>({ n: '*' });
    return { sealed: 0, plaintextLeft: Number(webhooks) + Number(warehouses) };
  }
  let sealed = 0;
  await knex.transaction(async (trx) => {
    const subs = await subscriptions(trx).forUpdate().select<{ id: string; secret: string }[]>('id', 'secret');
    for (const s of subs) {
      await trx('webhook_subscriptions').where({ id: s.id }).update({ secret: sealSecret(s.secret, key) });
      sealed++;
    }
    const whs = await warehouseRows(trx)
      .forUpdate()
      .select<{ warehouse_id: string; secret: string; previous_secret: string | null }[]>('warehouse_id', 'secret', 'previous_secret');
    for (const w of whs) {
      const update: Record<string, string> = {};
      if (!isSealed(w.secret)) update.secret = sealSecret(w.secret, key);
      if (w.previous_secret !== null && !isSealed(w.previous_secret)) update.previous_secret = sealSecret(w.previous_secret, key);
      await trx('warehouse_signing_secrets').where({ warehouse_id: w.warehouse_id }).update(update);
      sealed += Object.keys(update).length;
    }
  });
  return { sealed, plaintextLeft: 0 };
}
