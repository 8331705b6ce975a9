import { canonicalHash, canonicalJson } from '../api/canonical';
import { keyStore } from '../api/auth';
import { ISO_COUNTRY_CODES } from '../api/countries';
import { createLogger } from '../platform/logger';
import { toApiError } from '../api/errors';
import { LedgerError } from '../ledger/errors';

describe('API units', () => {
  it('canonical JSON: key order and undefined do not matter, array order does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalHash({ a: 1, b: 2 })).toBe(canonicalHash({ b: 2, a: 1 }));
    expect(canonicalHash({ l: [1, 2] })).not.toBe(canonicalHash({ l: [2, 1] }));
  });

  it('key store: the role of a key, undefined for anything else; disabled when empty', () => {
    const keys = keyStore(
      new Map([
        ['k1', 'system'],
        ['k2', 'admin'],
      ]),
    );
    expect(keys.enabled).toBe(true);
    expect(keys.roleOf('k1')).toBe('system');
    expect(keys.roleOf('k2')).toBe('admin');
    expect(keys.roleOf('k')).toBeUndefined();
    expect(keys.roleOf('k1 ')).toBeUndefined();
    expect(keys.roleOf('')).toBeUndefined();
    expect(keyStore(new Map()).enabled).toBe(false);
  });

  it('ISO 3166-1 alpha-2: 249 distinct codes, all known to ICU', () => {
    expect(ISO_COUNTRY_CODES).toHaveLength(249);
    expect(new Set(ISO_COUNTRY_CODES).size).toBe(249);
    const dn = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of ISO_COUNTRY_CODES) expect(dn.of(code)).not.toBe(code);
  });

  it('logger (pino): one JSON object per line, child bindings, level threshold, errors serialized', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), base: { service: 'api' }, now: () => new Date(0) });
    log.debug('hidden');
    log.child({ requestId: 'r1' }).warn('careful', { err: new Error('bad'), n: 1n });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]);
    expect(parsed).toMatchObject({ time: '1970-01-01T00:00:00.000Z', level: 'warn', msg: 'careful', service: 'api', requestId: 'r1', n: 1, err: { message: 'bad', name: 'Error' } });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    log.info('circular', { circular });
    expect(JSON.parse(lines[1]).circular).toEqual({ self: '[Circular]' });
  });

  it('maps ledger errors onto HTTP', () => {
    const cases: Array<[ConstructorParameters<typeof LedgerError>[0], number]> = [
      ['UNKNOWN_SKU', 422],
      ['UNKNOWN_WAREHOUSE', 422],
      ['NO_ACTIVE_WAREHOUSE', 422],
      ['INSUFFICIENT_STOCK', 409],
      ['IDEMPOTENCY_CONFLICT', 409],
      ['INVALID_QUANTITY', 400],
    ];
    for (const [code, status] of cases) {
      const e = toApiError(new LedgerError(code, 'nope', { x: 1 }));
      expect({ code, status: e.status }).toEqual({ code, status });
      expect(e.body()).toEqual({ error: code.toLowerCase(), message: 'nope', details: { x: 1 } });
    }
    expect(toApiError(new Error('x')).status).toBe(500);
    expect(toApiError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).status).toBe(503);
  });
});
