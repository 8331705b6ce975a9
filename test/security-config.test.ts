import { ConfigError, loadConfig } from '../config/config';

const key = (n: number) => Buffer.alloc(n, 7).toString('base64');

describe('security configuration', () => {
  it('parses PAYLOAD_ENCRYPTION_KEYS in order: the first encrypts', () => {
    const c = loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `new:${key(32)}, old:${key(32)}` });
    expect(c.security.encryptionKeys.map((k) => [k.id, k.key.length])).toEqual([['new', 32], ['old', 32]]);
    expect(loadConfig({}).security.encryptionKeys).toEqual([]);
  });

  it.each([`a:${key(16)}`, `:${key(32)}`, 'a:not-base64!', `a:${key(32)},a:${key(32)}`])('refuses %p naming the variable, never the key', (value) => {
    let err: unknown;
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/PAYLOAD_ENCRYPTION_KEYS/);
    expect((err as Error).message).not.toContain(key(32));
  });

  it('binds loopback with auth off, every interface with keys, HOST wins', () => {
    expect(loadConfig({}).security.host).toBe('127.0.0.1');
    expect(loadConfig({ API_KEYS: 'k:admin' }).security.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).security).toMatchObject({ host: '0.0.0.0', hostReason: 'HOST is set' });
  });

  it('rate limits per role: the defaults everywhere (NODE_ENV=test too), each settable, the old single figure as their default', () => {
    const defaults = { system: 12_000, support: 600, ops: 600, admin: 1_200, anonymous: 600 };
    expect(loadConfig({}).rateLimits.writesPerMinute).toEqual(defaults);
    expect(loadConfig({ NODE_ENV: 'test' }).rateLimits.writesPerMinute).toEqual(defaults);
    expect(loadConfig({ RATE_LIMIT_SYSTEM_PER_MINUTE: '30000', RATE_LIMIT_SUPPORT_PER_MINUTE: '0' }).rateLimits.writesPerMinute).toMatchObject({ system: 30_000, support: 0, ops: 600 });
    expect(loadConfig({ RATE_LIMIT_WRITES_PER_MINUTE: '5', RATE_LIMIT_SYSTEM_PER_MINUTE: '50' }).rateLimits.writesPerMinute).toEqual({ system: 50, support: 5, ops: 5, admin: 5, anonymous: 5 });
    expect(loadConfig({}).rateLimits.repeatCost).toBeLessThan(0.05);
    expect(() => loadConfig({ RATE_LIMIT_WRITES_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_WRITES_PER_MINUTE/);
    expect(() => loadConfig({ RATE_LIMIT_SYSTEM_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_SYSTEM_PER_MINUTE/);
    expect(() => loadConfig({ RATE_LIMIT_ADMIN_PER_MINUTE: '1.5' })).toThrow(/RATE_LIMIT_ADMIN_PER_MINUTE: must be a whole number/);
    expect(loadConfig({}).security.codecCorsOrigins).toEqual(['http://localhost:8233']);
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://ui.example/x' }).security.codecCorsOrigins).toEqual(['https://ui.example']);
    expect(() => loadConfig({ CODEC_CORS_ORIGINS: 'https://ui.example/path' })).toThrow(/CODEC_CORS_ORIGINS/);
    expect(loadConfig({}).idempotency).toEqual({ retentionMs: 30 * 86_400_000, cleanupIntervalMs: 3_600_000 });
    expect(() => loadConfig({ IDEMPOTENCY_RETENTION: 'forever' })).toThrow(/IDEMPOTENCY_RETENTION/);
  });
});
