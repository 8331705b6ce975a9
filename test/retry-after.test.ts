/** integrations/retry-after.ts: how long a polite client waits before it sends again. */
import { isTransient, politeWaitMs, retryAfterMs } from '../integrations/retry-after';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it('reads seconds and HTTP dates; nothing readable is undefined', () => {
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs(['3'], now)).toBe(3_000);
    expect(retryAfterMs('Fri, 04 Dec 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('Fri, 04 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });
});

describe('politeWaitMs', () => {
  it('waits at least Retry-After, at most 20% more', () => {
    expect(politeWaitMs(0, 2_000, { random: () => 0 })).toBe(2_000);
    expect(politeWaitMs(7, 2_000, { random: () => 0.999 })).toBeLessThanOrEqual(2_400);
  });
  it('without Retry-After backs off exponentially, half of it jitter, up to the maximum', () => {
    expect(politeWaitMs(0, undefined, { random: () => 0 })).toBe(125);
    expect(politeWaitMs(0, undefined, { random: () => 0.5 })).toBe(188);
    expect(politeWaitMs(3, undefined, { random: () => 0 })).toBe(1_000);
    expect(politeWaitMs(30, undefined, { random: () => 0, maxMs: 10_000 })).toBe(5_000);
    for (let attempt = 0; attempt < 40; attempt++) expect(politeWaitMs(attempt, undefined, { random: Math.random })).toBeLessThanOrEqual(10_000);
  });
  it('sends again after 429, 502, 503, 504 and no answer; not after other answers', () => {
    expect([429, 502, 503, 504, 0].every(isTransient)).toBe(true);
    expect([200, 202, 400, 404, 409, 422, 500].some(isTransient)).toBe(false);
  });
});
