import { ConfigError, loadConfig } from '../config/config';
import { formatDuration, parseDuration } from '../config/duration';
import { keyFingerprint } from '../api/key-fingerprint';
import { prepareDatabase } from '../platform/database';
import { findTemporalCli, TemporalCliNotFoundError } from '../platform/temporal-cli';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'h', '5 minutes', '1h 30m', '-5s', '5x'])('refuses %p', (text) => expect(parseDuration(text)).toBeUndefined());

  it('formats back', () => expect(formatDuration(5_400_000)).toBe('90m'));
});

describe('loadConfig', () => {
  it('has defaults that run on a laptop', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/fulfillment');
    expect(c.temporal.address).toBe('127.0.0.1:7233');
    expect(c.taskQueue).toBe('fulfillment');
    expect(c.port).toBe(3000);
    expect(c.warehouseMode).toBe('simulated');
    expect(c.timeouts.pickMs).toBe(86_400_000);
    expect(c.apiKeys.size).toBe(0);
  });

  it('parses API keys into roles', () => {
    const c = loadConfig({ API_KEYS: 'k1:system, k2:support,k3:ops,k4:admin' });
    expect([...c.apiKeys]).toEqual([['k1', 'system'], ['k2', 'support'], ['k3', 'ops'], ['k4', 'admin']]);
  });

  it.each([
    ['PICK_TIMEOUT', 'soon'],
    ['PORT', '70000'],
    ['WAREHOUSE_MODE', 'robots'],
    ['API_KEYS', 'k1:king'],
    ['DATABASE_URL', 'mysql://x'],
    ['TEMPORAL_ADDRESS', 'no-port'],
  ])('names %s when it is bad', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('takes the webhook retry backoff from the environment, first wait no longer than the longest', () => {
    expect(loadConfig({}).webhooks).toMatchObject({ retryBaseMs: 10_000, retryMaxMs: 3_600_000, retryHorizonMs: 86_400_000 });
    expect(loadConfig({ WEBHOOK_RETRY_BASE: '500ms', WEBHOOK_RETRY_MAX: '5s' }).webhooks).toMatchObject({ retryBaseMs: 500, retryMaxMs: 5_000 });
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE: '2h' })).toThrow(/WEBHOOK_RETRY_BASE:/);
  });

  it('refuses production without API keys', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS/);
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS: `${'k'.repeat(32)}:admin`, CURSOR_SECRET: 'c'.repeat(32), SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).nodeEnv).toBe('production');
  });

  it('refuses production without SECRETS_KEY, and a SECRETS_KEY that is not 32 bytes, naming it and never echoing it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEYS: `${'k'.repeat(32)}:admin`, CURSOR_SECRET: 'c'.repeat(32) })).toThrow(/SECRETS_KEY: required when NODE_ENV=production/);
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => loadConfig({ SECRETS_KEY: short })).toThrow(/SECRETS_KEY: must be 32 bytes in base64 .*, got 16 bytes/);
    expect(() => loadConfig({ SECRETS_KEY: short })).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
    expect(loadConfig({ SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') }).secrets.key).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({}).secrets.key).toBeUndefined();
  });

  it('parses scoped system keys: warehouse and channel', () => {
    const c = loadConfig({ API_KEYS: 'k1:system/warehouse=wh-1,k2:system/channel=web,k3:system' });
    expect([...c.apiKeys]).toEqual([['k1', 'system'], ['k2', 'system'], ['k3', 'system']]);
    expect([...c.apiKeyScopes]).toEqual([['k1', { warehouseId: 'wh-1' }], ['k2', { channel: 'web' }]]);
    expect(() => loadConfig({ API_KEYS: 'secretkey:system/warehouse=' })).toThrow(new RegExp(`API_KEYS: entry 1 \\(fingerprint ${keyFingerprint('secretkey')}\\) must be key:system/warehouse=<id>`));
    expect(() => loadConfig({ API_KEYS: 'secretkey:system/warehouse=' })).not.toThrow(/sec/);
    expect(() => loadConfig({ API_KEYS: 'secretkey:support/warehouse=x' })).toThrow(/API_KEYS:/);
    expect(() => loadConfig({ API_KEYS: 'secretkey:support/warehouse=x' })).not.toThrow(/secretkey/);
  });

  it('SIGNING_SECRET_GRACE: 24h by default, 0s allowed; CARRIER_SECRET is a whsec_ secret', () => {
    expect(loadConfig({}).secrets.signingGraceMs).toBe(86_400_000);
    expect(loadConfig({ SIGNING_SECRET_GRACE: '0s' }).secrets.signingGraceMs).toBe(0);
    expect(() => loadConfig({ SIGNING_SECRET_GRACE: 'later' })).toThrow(/SIGNING_SECRET_GRACE:/);
    expect(() => loadConfig({ CARRIER_SECRET: 'plain' })).toThrow(/CARRIER_SECRET: must start with whsec_/);
  });
});

describe('start-up failures', () => {
  it('names DATABASE_URL and the address when Postgres is not there', async () => {
    await expect(prepareDatabase('postgres://postgres@127.0.0.1:1/fulfillment')).rejects.toThrow(/127\.0\.0\.1:1 \(from DATABASE_URL\)/);
  });

  it('names the three ways to provide the Temporal CLI', () => {
    let error: unknown;
    try {
      findTemporalCli({ cliPath: '/nonexistent' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TemporalCliNotFoundError);
    expect(String(error)).toMatch(/TEMPORAL_CLI_PATH.*PATH.*PyPI/);
  });
});
