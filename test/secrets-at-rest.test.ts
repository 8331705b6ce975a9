/**
 * Secrets at rest (docs/design.md §20): the secret box, the sealing of rows stored in plaintext
 * (before migration 010, or without SECRETS_KEY), and a sealed webhook secret still signing what
 * the dispatcher sends — against the run's Postgres and a real loopback receiver.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openSecret, sealSecret, SecretsKeyError } from '../platform/secret-box';
import { sealStoredSecrets, warehouseSecretStore } from '../integrations/stored-secrets';
import { generateSecret } from '../integrations/signed-post';
import { startDispatcher } from '../webhooks/dispatcher';
import { emitEvent } from '../webhooks/outbox';
import { createSubscription } from '../webhooks/subscriptions';
import { testKnex } from './support/db';
import { eventually } from './support/temporal';
import { startReceiver } from './support/webhook-receiver';

const KEY = randomBytes(32);

describe('the secret box', () => {
  it('seals with a fresh IV each time and opens with the key only', () => {
    const secret = generateSecret();
    const a = sealSecret(secret, KEY);
    const b = sealSecret(secret, KEY);
    expect(a).toMatch(/^enc:v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret.slice(6, 20));
    expect(openSecret(a, KEY)).toBe(secret);
    expect(() => openSecret(a, randomBytes(32))).toThrow(SecretsKeyError);
    expect(() => openSecret(a, undefined)).toThrow(/SECRETS_KEY is not set/);
    const tampered = a.slice(0, -4) + (a.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => openSecret(tampered, KEY)).toThrow(SecretsKeyError);
  });

  it('without a key, stores as is (and a plaintext value opens as itself)', () => {
    const secret = generateSecret();
    expect(sealSecret(secret, undefined)).toBe(secret);
    expect(openSecret(secret, KEY)).toBe(secret);
  });
});

describe('sealing stored secrets', () => {
  let knex: Knex;
  const ids: string[] = [];
  const warehouses: string[] = [];
  beforeAll(() => {
    knex = testKnex(3);
  });
  afterAll(async () => {
    await knex('webhook_subscriptions').whereIn('id', ids).delete();
    await knex('warehouse_signing_secrets').whereIn('warehouse_id', warehouses).delete();
    await knex('warehouses').whereIn('id', warehouses).delete();
    await knex.destroy();
  });

  it('seals rows written in plaintext, once; the secrets open as they were', async () => {
    const sub = await createSubscription(knex, { url: 'http://127.0.0.1:9/hook', events: ['order.created'] });
    ids.push(sub.id);
    const warehouseId = `wh-seal-${randomBytes(4).toString('hex')}`;
    warehouses.push(warehouseId);
    await knex('warehouses').insert({ id: warehouseId, name: warehouseId });
    const plainStore = warehouseSecretStore(knex, undefined);
    const whSecret = await plainStore.rotate(warehouseId, 3_600_000, 'whsec_' + randomBytes(32).toString('base64'));
    expect((await knex('webhook_subscriptions').where({ id: sub.id }).first()).secret).toBe(sub.secret);

    const mine = { subscriptionIds: [sub.id], warehouseIds: [warehouseId] };
    expect(await sealStoredSecrets(knex, undefined, mine)).toEqual({ sealed: 0, plaintextLeft: 2 });
    expect(await sealStoredSecrets(knex, KEY, mine)).toEqual({ sealed: 3, plaintextLeft: 0 });
    const subRow = await knex('webhook_subscriptions').where({ id: sub.id }).first();
    const whRow = await knex('warehouse_signing_secrets').where({ warehouse_id: warehouseId }).first();
    for (const stored of [subRow.secret, whRow.secret, whRow.previous_secret]) expect(stored).toMatch(/^enc:v1:/);
    expect(openSecret(subRow.secret, KEY)).toBe(sub.secret);
    expect((await warehouseSecretStore(knex, KEY).signingSecretsFor(warehouseId))?.[0]).toBe(whSecret);

    expect(await sealStoredSecrets(knex, KEY, mine)).toEqual({ sealed: 0, plaintextLeft: 0 });
  });

  it('a sealed subscription secret still signs: the receiver verifies with the secret it was given', async () => {
    const sub = await createSubscription(knex, { url: 'http://127.0.0.1:9/hook', events: ['order.created'] }, KEY);
    ids.push(sub.id);
    expect((await knex('webhook_subscriptions').where({ id: sub.id }).first()).secret).toMatch(/^enc:v1:/);
    const rx = await startReceiver(sub.secret);
    await knex('webhook_subscriptions').where({ id: sub.id }).update({ url: rx.url });
    const dispatcher = startDispatcher({ knex, pollIntervalMs: 50, log: () => undefined, subscriptionIds: [sub.id], secretsKey: KEY });
    try {
      const { id } = await emitEvent(knex, { type: 'order.created', data: { orderId: 'sealed-1' } });
      const got = await eventually(async () => rx.byEventId(id)[0], 20_000);
      expect(got.verified).toBe(true);
    } finally {
      await dispatcher.stop({ abort: true });
      await rx.close();
    }
  });
});
