/**
 * The count arithmetic (docs/design.md §16): on hand as of countedAt is on hand now minus the
 * movements recorded after it. Property: for random movement histories and count times it
 * equals a replay of the history up to countedAt — the pure function, and the SQL the ledger
 * runs (onHandAsOfSql) on the same histories written to Postgres.
 */
import fc from 'fast-check';
import type { Knex } from 'knex';
import { countedAtProblem, countLines, onHandAsOf, replayOnHand, shortfallTakes, statusOnArrival, type OnHandChange } from '../domain/count';
import { onHandAsOfSql } from '../ledger/count';
import { namer } from './ledger.fixtures';
import { testKnex } from './support/db';

const T0 = Date.parse('2030-01-01T00:00:00Z');

/** A history that never takes on hand below zero, at whole-second times within a day. */
const history = fc
  .array(fc.record({ delta: fc.integer({ min: -20, max: 30 }).filter((d) => d !== 0), second: fc.integer({ min: 0, max: 86_400 }) }), { maxLength: 40 })
  .map((raw) => {
    const sorted = [...raw].sort((a, b) => a.second - b.second);
    let onHand = 0;
    const changes: OnHandChange[] = [];
    for (const r of sorted) {
      const delta = Math.max(r.delta, -onHand);
      if (delta === 0) continue;
      onHand += delta;
      changes.push({ onHandDelta: delta, at: T0 + r.second * 1000 });
    }
    return changes;
  });
const countTime = fc.integer({ min: -10, max: 86_410 }).map((s) => T0 + s * 1000);
const total = (changes: OnHandChange[]) => changes.reduce((n, c) => n + c.onHandDelta, 0);

describe('count arithmetic (pure)', () => {
  it('as-of on hand equals a replay of the movements up to countedAt', () => {
    fc.assert(
      fc.property(history, countTime, (changes, asOf) => {
        expect(onHandAsOf(total(changes), changes, asOf)).toBe(replayOnHand(changes, asOf));
      }),
      { numRuns: 500 },
    );
  });

  it('a movement exactly at countedAt is one the count knew of', () => {
    const changes = [
      { onHandDelta: 10, at: T0 },
      { onHandDelta: -2, at: T0 + 1000 },
    ];
    expect(onHandAsOf(8, changes, T0 + 1000)).toBe(8);
    expect(onHandAsOf(8, changes, T0 + 999)).toBe(10);
  });

  it('variance, status and countedAt limits', () => {
    const lines = countLines([{ sku: 'a', counted: 7 }, { sku: 'b', counted: 0 }], new Map([['a', 8], ['b', 5]]));
    expect(lines).toEqual([
      { sku: 'a', counted: 7, expected: 8, variance: -1 },
      { sku: 'b', counted: 0, expected: 5, variance: -5 },
    ]);
    expect(statusOnArrival(lines, 5)).toBe('applied');
    expect(statusOnArrival(lines, 4)).toBe('pending_approval');
    expect(countedAtProblem(T0 + 1, T0, 1000)).toMatch(/future/);
    expect(countedAtProblem(T0 - 1001, T0, 1000)).toMatch(/COUNT_MAX_AGE/);
    expect(countedAtProblem(T0 - 1000, T0, 1000)).toBeUndefined();
  });

  it('a shortfall takes from the latest unpicked hold first and says what it could not cover', () => {
    const holds = [
      { orderId: 'o1', quantity: 3, heldAt: 1, picked: false },
      { orderId: 'o2', quantity: 2, heldAt: 3, picked: true },
      { orderId: 'o3', quantity: 2, heldAt: 2, picked: false },
    ];
    expect(shortfallTakes(holds, 3)).toEqual({ takes: [{ orderId: 'o3', quantity: 2 }, { orderId: 'o1', quantity: 1 }], uncovered: 0 });
    expect(shortfallTakes(holds, 6)).toEqual({ takes: [{ orderId: 'o3', quantity: 2 }, { orderId: 'o1', quantity: 3 }], uncovered: 1 });
    fc.assert(
      fc.property(fc.array(fc.record({ orderId: fc.uuid(), quantity: fc.integer({ min: 1, max: 9 }), heldAt: fc.nat(), picked: fc.boolean() })), fc.nat(60), (hs, need) => {
        const { takes, uncovered } = shortfallTakes(hs, need);
        const free = hs.filter((h) => !h.picked).reduce((n, h) => n + h.quantity, 0);
        expect(total(takes.map((t) => ({ onHandDelta: t.quantity, at: 0 }))) + uncovered).toBe(need);
        expect(uncovered).toBe(Math.max(0, need - free));
      }),
    );
  });
});

describe('count arithmetic (SQL path)', () => {
  let knex: Knex;
  const name = namer();
  beforeAll(async () => {
    knex = testKnex(2);
    await knex('warehouses').insert({ id: name('wh'), name: 'as-of warehouse' });
  });
  afterAll(async () => {
    await knex?.destroy();
  });

  it('onHandAsOfSql agrees with the replay on histories written to stock_movements', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(history, fc.array(countTime, { minLength: 1, maxLength: 5 }), async (changes, times) => {
        const sku = name(`s${run++}`);
        const warehouseId = name('wh');
        // The history is written as the ledger would have (balance = sum of its movements),
        // with the recorded times the property chose.
        await knex.transaction(async (trx) => {
          await trx('skus').insert({ sku, name: sku });
          await trx('stock_levels').insert({ warehouse_id: warehouseId, sku, on_hand: total(changes), reserved: 0 });
          if (changes.length > 0) {
            await trx('stock_movements').insert(
              changes.map((c, i) => ({
                warehouse_id: warehouseId,
                sku,
                kind: 'adjustment',
                on_hand_delta: c.onHandDelta,
                reserved_delta: 0,
                idempotency_key: `${sku}:${i}`,
                created_at: new Date(c.at),
              })),
            );
          }
        });
        for (const t of times) {
          const got = await onHandAsOfSql(knex, warehouseId, [sku], new Date(t));
          expect(got.get(sku)).toBe(replayOnHand(changes, t));
        }
      }),
      { numRuns: 40 },
    );
  });
});
