/** The worker's view of warehouse URLs (activities/adapters/routing-warehouse.ts): cached, except where a stale answer would send a request to the wrong place. */
import { cachedWarehouseUrls } from '../activities/adapters/routing-warehouse';
import type { Warehouse } from '../ledger/types';

function catalog(urls: Record<string, string | null>) {
  const state = { urls, reads: 0 };
  const list = async (): Promise<Warehouse[]> => {
    state.reads++;
    return Object.entries(state.urls).map(([id, fulfillmentUrl]) => ({ id, fulfillmentUrl }) as Warehouse);
  };
  return { state, list };
}

describe('cachedWarehouseUrls', () => {
  it('reads once per lifetime; a warehouse it does not know yet reads again', async () => {
    const c = catalog({ a: null });
    const urlOf = cachedWarehouseUrls(c.list, 60_000);
    expect(await urlOf('a')).toBeUndefined();
    expect(await urlOf('a')).toBeUndefined();
    expect(c.state.reads).toBe(1);
    c.state.urls = { a: null, b: 'http://wms.example/b' };
    expect(await urlOf('b')).toBe('http://wms.example/b');
    expect(c.state.reads).toBe(2);
  });

  it('a URL set on a known warehouse: the cached read still says none, a fresh read (a new request) finds it and refreshes the cache', async () => {
    const c = catalog({ a: null });
    const urlOf = cachedWarehouseUrls(c.list, 60_000);
    expect(await urlOf('a')).toBeUndefined();
    c.state.urls = { a: 'http://wms.example/a' };
    expect(await urlOf('a')).toBeUndefined();
    expect(await urlOf('a', { fresh: true })).toBe('http://wms.example/a');
    expect(await urlOf('a')).toBe('http://wms.example/a');
    expect(c.state.reads).toBe(2);
  });
});
