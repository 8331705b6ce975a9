/** api/write-budget.ts: the per-caller token buckets behind the write limits, on a hand-driven clock. */
import { WriteBudgets } from '../api/write-budget';

describe('WriteBudgets', () => {
  let now = 0;
  const budgets = () => new WriteBudgets(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('a caller may spend a minute\'s figure at once, then one write per refill', () => {
    const b = budgets();
    for (let i = 0; i < 60; i++) expect(b.spend('k', 60).ok).toBe(true);
    const refused = b.spend('k', 60);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000; // 60 a minute: one write a second
    expect(b.spend('k', 60).ok).toBe(true);
    expect(b.spend('k', 60).ok).toBe(false);
  });

  it('a steady caller at its figure is never refused, one above it is', () => {
    const b = budgets();
    let refused = 0;
    // 600 a minute = 10 a second, for 5 minutes, spaced evenly.
    for (let i = 0; i < 3_000; i++) {
      now += 100;
      if (!b.spend('steady', 600).ok) refused++;
    }
    expect(refused).toBe(0);
    for (let i = 0; i < 3_000; i++) {
      now += 50; // twice the figure
      if (!b.spend('flood', 600).ok) refused++;
    }
    // 150 s at 20 a second: the first minute's 600 plus 10 a second refilled go through, the rest is refused.
    expect(refused).toBeGreaterThanOrEqual(890);
  });

  it('Retry-After is the time the missing tokens take to refill, at least 1 s', () => {
    const b = budgets();
    for (let i = 0; i < 6; i++) b.spend('k', 6);
    expect(b.spend('k', 6)).toEqual({ ok: false, retryAfterSeconds: 10 }); // 6 a minute: one every 10 s
    now += 9_000;
    expect(b.spend('k', 6)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('callers and figures are apart; 0 is unlimited', () => {
    const b = budgets();
    for (let i = 0; i < 5; i++) b.spend('a', 5);
    expect(b.spend('a', 5).ok).toBe(false);
    expect(b.spend('b', 5).ok).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(b.spend('c', 0).ok).toBe(true);
  });

  it('a refund gives back part of a spend, never above the figure', () => {
    const b = budgets();
    for (let i = 0; i < 10; i++) {
      expect(b.spend('k', 10).ok).toBe(true);
      b.refund('k', 10, 0.99);
    }
    // Ten writes that were repeats cost a tenth of one write together.
    expect(b.spend('k', 10)).toMatchObject({ ok: true, remaining: 8 });
    b.refund('k', 10, 100);
    expect(b.spend('k', 10)).toMatchObject({ ok: true, remaining: 9 });
  });

  it('forgets idle callers once there are many', () => {
    const b = budgets();
    for (let i = 0; i <= 10_001; i++) b.spend(`caller-${i}`, 10);
    now += 61_000;
    b.spend('late', 10);
    expect(b.size).toBe(1);
  });
});
