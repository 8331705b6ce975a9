/**
 * Write limits per role (docs/rate-limits.md), over real HTTP on loopback, at the product's
 * defaults unless a test says otherwise: a warehouse's wave of events is never refused, a flood
 * from one interactive key is (429 with Retry-After), and a repeat answered from the record costs
 * next to nothing, so a channel re-sending what it is unsure about is answered while it floods.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DEFAULT_WRITES_PER_MINUTE } from '../config/rate-limits';
import { as, orderBody, startApi, uid, type ApiHarness } from './support/api-fixtures';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function serve(h: ApiHarness): Promise<{ base: string; server: Server }> {
  const server = h.express.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function send(base: string, method: string, path: string, role: 'system' | 'support' | 'admin', body?: unknown): Promise<Answer> {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...as(role), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: (await r.json().catch(() => ({}))) as Record<string, unknown> }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tally = (answers: Answer[]) => answers.reduce<Record<number, number>>((t, a) => ({ ...t, [a.status]: (t[a.status] ?? 0) + 1 }), {});

/**
 * Twice the support budget: the bucket refills 10 a second, so the flood outruns it as long as it
 * takes under a minute (support + 200 took over 20 s on a loaded machine and was never refused).
 */
const FLOOD = 2 * DEFAULT_WRITES_PER_MINUTE.support;

/** A support key writing as fast as it can (PUT /skus: 403 for support, but counted), `total` requests `parallel` at a time. */
async function flood(base: string, total: number, parallel = 50): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < total; i += parallel) {
    answers.push(...(await Promise.all(Array.from({ length: Math.min(parallel, total - i) }, () => send(base, 'PUT', '/skus/RL-FLOOD', 'support', { name: 'flood' })))));
  }
  return answers;
}

describe('write limits per role, at the defaults', () => {
  let h: ApiHarness;
  let base: string;
  let server: Server;
  beforeAll(async () => {
    h = await startApi();
    ({ base, server } = await serve(h));
  });
  afterAll(async () => {
    server?.close();
    await h?.stop();
  });

  it('a system key posting events at 50/s for 30 s is never refused, while a flood from one support key gets 429 with Retry-After', async () => {
    const events: Promise<Answer>[] = [];
    const t0 = Date.now();
    // The support key floods while the warehouse reports: one key's flood is its own.
    const flooding = sleep(5_000).then(() => flood(base, FLOOD));
    for (let i = 0; i < 50 * 30; i++) {
      const due = t0 + i * 20;
      if (due > Date.now()) await sleep(due - Date.now());
      // Orders this API never saw (404 after a Temporal look-up): full writes, none a repeat.
      events.push(send(base, 'POST', `/orders/${uid('gone')}/events`, 'system', { type: 'picked' }));
    }
    const eventAnswers = await Promise.all(events);
    const floodAnswers = await flooding;

    expect(tally(eventAnswers)).toEqual({ 404: 1_500 });
    expect(eventAnswers[0].headers.get('ratelimit-policy')).toBe(`${DEFAULT_WRITES_PER_MINUTE.system};w=60`);
    // Counted (not exempt): each spent from the key's budget, which refills faster than 50 a second.
    const remaining = eventAnswers.map((a) => Number(/remaining=(\d+)/.exec(a.headers.get('ratelimit') ?? '')?.[1]));
    expect(Math.max(...remaining)).toBeLessThan(DEFAULT_WRITES_PER_MINUTE.system);

    const counts = tally(floodAnswers);
    expect(counts[403]).toBeGreaterThanOrEqual(DEFAULT_WRITES_PER_MINUTE.support);
    expect(counts[429]).toBeGreaterThan(0);
    const limited = floodAnswers.find((a) => a.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toMatchObject({ error: 'rate_limited', details: { role: 'support', limit: DEFAULT_WRITES_PER_MINUTE.support } });
    expect(String(limited.body.message)).toMatch(/600 write requests a minute/);
  }, 180_000);
});

describe('repeats answered from the record', () => {
  const SYSTEM_BUDGET = 60;
  let h: ApiHarness;
  let base: string;
  let server: Server;
  beforeAll(async () => {
    // A small system budget makes "costs next to nothing" measurable: 1,000 full writes would need 17 minutes of it.
    h = await startApi({ env: { RATE_LIMIT_SYSTEM_PER_MINUTE: String(SYSTEM_BUDGET) } });
    ({ base, server } = await serve(h));
  });
  afterAll(async () => {
    server?.close();
    await h?.stop();
  });

  it('an idempotent repeat of POST /orders is answered from the record under load, and leaves the budget for new orders', async () => {
    const bodies = Array.from({ length: 10 }, () => orderBody([{ sku: 'RL-SKU', quantity: 1 }], { orderId: uid('rl') }));
    for (const body of bodies) expect((await send(base, 'POST', '/orders', 'system', body)).status).toBe(202);

    const flooding = flood(base, FLOOD);
    const repeats: Answer[] = [];
    for (let round = 0; round < 100; round++) repeats.push(...(await Promise.all(bodies.map((body) => send(base, 'POST', '/orders', 'system', body)))));
    const floodAnswers = await flooding;

    expect(tally(repeats)).toEqual({ 200: 1_000 });
    for (const [i, r] of repeats.entries()) expect(r.body).toMatchObject({ orderId: bodies[i % bodies.length].orderId, status: 'received' });
    expect(tally(floodAnswers)[429]).toBeGreaterThan(0);
    // Ten orders and a thousand repeats spent about twenty writes of sixty: a new order still goes in.
    const fresh = await send(base, 'POST', '/orders', 'system', orderBody([{ sku: 'RL-SKU', quantity: 1 }], { orderId: uid('rl') }));
    expect(fresh.status).toBe(202);
    expect(Number(/remaining=(\d+)/.exec(fresh.headers.get('ratelimit') ?? '')?.[1])).toBeGreaterThanOrEqual(SYSTEM_BUDGET - 25);
    // A write that is not a repeat still costs a whole one: the budget runs out and says when to come back.
    // All at once: one by one on a loaded machine, the bucket refilled (1 a second) as fast as they spent it.
    const firsts = await Promise.all(Array.from({ length: SYSTEM_BUDGET }, () => send(base, 'POST', '/orders', 'system', orderBody([{ sku: 'RL-SKU', quantity: 1 }], { orderId: uid('rl') }))));
    const refused = firsts.find((a) => a.status === 429);
    expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
  }, 180_000);
});
