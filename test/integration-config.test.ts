import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { generateSecret } from '../integrations/signed-post';

describe('INTEGRATION_SECRET and CARRIER_URL', () => {
  it('are unset by default: simulated warehouses and carrier', () => {
    const c = loadConfig({});
    expect(c.integration.secret).toBeUndefined();
    expect(c.integration.carrierUrl).toBeUndefined();
  });

  it('accepts a whsec_ secret and never shows it when the config is logged', () => {
    const secret = generateSecret();
    const c = loadConfig({ INTEGRATION_SECRET: secret, CARRIER_URL: 'https://carrier.example.com/labels' });
    expect(c.integration.secret).toBe(secret);
    expect(c.integration.carrierUrl).toBe('https://carrier.example.com/labels');
    expect(JSON.stringify(c)).not.toContain(secret.slice(6));
    expect(inspect(c, { depth: 10 })).not.toContain(secret.slice(6));
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 7).toString('base64')],
    ['too short', `whsec_${Buffer.alloc(8, 7).toString('base64')}`],
    ['not base64', 'whsec_%%%%not-base64-at-all%%%%%%%%%%%%%%%%%%'],
  ])('refuses a bad secret (%s) naming the variable, without echoing it', (_why, value) => {
    let err: unknown;
    try {
      loadConfig({ INTEGRATION_SECRET: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/INTEGRATION_SECRET:/);
    expect((err as Error).message).not.toContain(value.slice(6, 20));
  });

  it('needs the secret when CARRIER_URL is set, and a sane CARRIER_URL', () => {
    expect(() => loadConfig({ CARRIER_URL: 'https://carrier.example.com' })).toThrow(/INTEGRATION_SECRET: required when CARRIER_URL is set/);
    const secret = generateSecret();
    expect(() => loadConfig({ INTEGRATION_SECRET: secret, CARRIER_URL: 'ftp://carrier.example.com' })).toThrow(/CARRIER_URL:/);
    expect(() => loadConfig({ INTEGRATION_SECRET: secret, CARRIER_URL: 'https://u:p@carrier.example.com' })).toThrow(/CARRIER_URL: must not contain credentials/);
  });
});
