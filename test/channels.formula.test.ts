import { atp, channelAvailable, percentToBp } from '../channels/formula';
import { afterFailure, retryDelayMs } from '../webhooks/backoff';

const rule = (bufferPercent = 0, bufferUnits = 0, maxListed?: number) => ({ bufferBp: percentToBp(bufferPercent), bufferUnits, ...(maxListed === undefined ? {} : { maxListed }) });

describe('channel availability formula', () => {
  it('no rule: what the ledger has free', () => {
    expect(channelAvailable(atp(40, 0), rule())).toBe(40);
  });
  it('buffer percent, floored', () => {
    expect(channelAvailable(10, rule(15))).toBe(8); // 8.5 → 8
    expect(channelAvailable(100, rule(29))).toBe(71); // float math would give 70.99999
    expect(channelAvailable(7, rule(12.5))).toBe(6); // 6.125
    expect(channelAvailable(3, rule(100))).toBe(0);
  });
  it('buffer units after the percentage', () => {
    expect(channelAvailable(10, rule(10, 2))).toBe(7); // floor(9) − 2
    expect(channelAvailable(10, rule(0, 4))).toBe(6);
  });
  it('maxListed caps; absent means no cap', () => {
    expect(channelAvailable(500, rule(0, 0, 50))).toBe(50);
    expect(channelAvailable(20, rule(0, 0, 50))).toBe(20);
    expect(channelAvailable(500, rule(10, 5, 0))).toBe(0);
  });
  it('safety stock comes off ATP before the rule', () => {
    expect(atp(30, 10)).toBe(20);
    expect(channelAvailable(atp(30, 10), rule(50))).toBe(10);
  });
  it('restricted warehouses: only their free stock counts (the caller sums them)', () => {
    const free = { a: 12, b: 30 };
    expect(channelAvailable(atp(free.a, 2), rule())).toBe(10);
    expect(channelAvailable(atp(free.a + free.b, 2), rule())).toBe(40);
  });
  it('never below 0: safety stock above stock, units above stock', () => {
    expect(channelAvailable(atp(5, 10), rule())).toBe(0);
    expect(channelAvailable(atp(5, 10), rule(50))).toBe(0); // floor(−2.5) = −3
    expect(channelAvailable(3, rule(0, 10))).toBe(0);
    expect(channelAvailable(0, rule(0, 0, 10))).toBe(0);
  });
});

describe('delivery retry policy', () => {
  const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, horizonMs: 86_400_000 };
  it('doubles per attempt, capped, jittered within [half, full]', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(3, policy, () => 0)).toBe(2_000);
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
  });
  it('permanent fails at once; retryable goes on until the horizon', () => {
    const now = new Date('2025-01-02T00:00:00Z');
    expect(afterFailure({ outcome: 'permanent', attempts: 1, retryFrom: now, now }, policy)).toEqual({ status: 'failed' });
    const pending = afterFailure({ outcome: 'retryable', attempts: 1, retryFrom: new Date(now.getTime() - 3_600_000), now }, policy, () => 1);
    expect(pending).toEqual({ status: 'pending', nextAt: new Date(now.getTime() + 1_000) });
    expect(afterFailure({ outcome: 'retryable', attempts: 50, retryFrom: new Date(now.getTime() - 86_400_000), now }, policy)).toEqual({ status: 'failed' });
  });
});
