import { canonicalHash, canonicalJson } from '../api/canonical';
import { keyStore } from '../api/auth';
import { ISO_COUNTRY_CODES } from '../api/countries';
import { createLogger } from '../infra/logger';
import { orderListQuery, quoteLiteral } from '../api/visibility-query';
import { toApiError } from '../api/errors';
import { LedgerError } from '../ledger/errors';

describe('API units', () => {
  it('visibility query: literals quoted, quotes doubled, unsafe characters refused', () => {
    expect(quoteLiteral("o'brien")).toBe("'o''brien'");
    expect(quoteLiteral("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
    expect(() => quoteLiteral('a\\b')).toThrow(RangeError);
    expect(() => quoteLiteral('a"b')).toThrow(RangeError);
    expect(() => quoteLiteral('a\nb')).toThrow(RangeError);
    expect(orderListQuery({})).toBe("WorkflowType = 'orderWorkflow'");
    expect(orderListQuery({ statuses: ['picking', 'packing', 'picking'], customerId: "c'1", sku: 'S1', channel: 'web', warehouseId: 'W1' })).toBe(
      "WorkflowType = 'orderWorkflow' AND OrderStatus IN ('picking', 'packing') AND CustomerId = 'c''1' AND Channel = 'web' AND Skus = 'S1' AND WarehouseIds = 'W1'",
    );
    expect(orderListQuery({ statuses: ['shipped'] })).toBe("WorkflowType = 'orderWorkflow' AND OrderStatus = 'shipped'");
    expect(orderListQuery({ createdAfter: '2030-01-01T00:00:00.000Z', createdBefore: '2030-02-01T00:00:00.000Z' })).toBe(
      "WorkflowType = 'orderWorkflow' AND StartTime >= '2030-01-01T00:00:00.000Z' AND StartTime < '2030-02-01T00:00:00.000Z'",
    );
  });

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
