/**
 * Fault run 9 (docs/design.md §15): 200 orders while purchase-order receipts and transfers
 * (request, ship, receive with a shortfall now and then) run beside them, and the worker is
 * killed with kill -9 mid-run. Every document call is retried like a careful client (same
 * receipt id, same body) until it answers for good. Then: no PO or transfer lost or run
 * twice (one record, one workflow each, none unknown), every document ended as driven, the
 * reconciliation (with the stock-in-motion invariants) ok, and per SKU the units on hand +
 * in transit + lost equal exactly what was seeded and received minus what delivered orders took.
 */
import { sleep } from './common';
import { plainOrders, plentiful, rng } from './fault-orders';
import { sendPolitely } from './http';
import { log, type RunDef, type World } from './fault-world';

const WAREHOUSES = ['m-ams', 'm-rtm'];
const SKUS = ['M-A', 'M-B', 'M-C', 'M-D'];
const SEED = 300;

/** Sends until the answer is not a 5xx / no answer; returns it (bounded). */
async function untilAnswered(w: World, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    // With a key, as the product runs: receipts, ship and receive are the warehouse's (system),
    // opening, moving, closing and cancelling the operator's (admin); 429 waits out Retry-After.
    const role = /\/(receipts|ship|receive)$/.test(path) ? 'system' : 'admin';
    const r = await sendPolitely<Record<string, unknown>>(w.apiBase, method, path, body, { timeoutMs: 60_000, headers: w.auth(role), deadline });
    w.count(`${method} ${path.replace(/\/[^/]*-\d+(\/|$)/, '/:id$1')} ${r.status}`);
    if (r.status !== 0 && r.status < 500) return r;
    if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer for good in 180 s (last ${r.status})`);
    await sleep(500);
  }
}

interface Motion {
  pos: Map<string, { warehouseId: string; lines: Record<string, number> }>;
  transfers: Map<string, { shipped: Record<string, number>; lost: Record<string, number> }>;
  receivedByPo: Record<string, number>;
}

async function driveDocuments(w: World, m: Motion, stopAfter: Promise<void>): Promise<void> {
  const r = rng(9);
  const expectOk = (what: string, got: { status: number; body: unknown }, ok: number[]) => {
    if (!ok.includes(got.status)) w.problems.push(`${what}: ${got.status} ${JSON.stringify(got.body).slice(0, 200)}`);
  };
  let i = 0;
  let done = false;
  void stopAfter.then(() => (done = true));
  while (!done || i < 8) {
    i++;
    const warehouseId = WAREHOUSES[i % 2];
    // A PO of 2 SKUs, received in two parts (each receipt sent twice: the repeat moves nothing).
    const poId = `po-${String(i).padStart(3, '0')}`;
    const lines = [SKUS[i % 4], SKUS[(i + 1) % 4]].map((sku) => ({ sku, quantity: 4 + Math.floor(r() * 6) }));
    const opened = await untilAnswered(w, 'POST', '/purchase-orders', { purchaseOrderId: poId, supplier: 'faults', warehouseId, expectedAt: '2030-01-01', lines });
    expectOk(`open ${poId}`, opened, [200, 201]);
    m.pos.set(poId, { warehouseId, lines: Object.fromEntries(lines.map((l) => [l.sku, l.quantity])) });
    const first = lines.map((l) => ({ sku: l.sku, quantity: Math.ceil(l.quantity / 2) }));
    const rest = lines.map((l) => ({ sku: l.sku, quantity: l.quantity - Math.ceil(l.quantity / 2) }));
    for (const [rid, part] of [['a', first], ['b', rest]] as const) {
      for (let k = 0; k < 2; k++) expectOk(`receipt ${poId}/${rid}`, await untilAnswered(w, 'POST', `/purchase-orders/${poId}/receipts`, { receiptId: rid, lines: part }), [200]);
      for (const l of part) m.receivedByPo[l.sku] = (m.receivedByPo[l.sku] ?? 0) + l.quantity;
    }
    // A transfer between the two warehouses: ship twice, receive (one unit short every third).
    const trId = `tr-${String(i).padStart(3, '0')}`;
    const sku = SKUS[(i + 2) % 4];
    const quantity = 2 + Math.floor(r() * 4);
    const requested = await untilAnswered(w, 'POST', '/transfers', { transferId: trId, fromWarehouseId: warehouseId, toWarehouseId: WAREHOUSES[(i + 1) % 2], lines: [{ sku, quantity }] });
    if (requested.status === 409 && (requested.body as { error?: string }).error === 'insufficient_stock') continue;
    expectOk(`request ${trId}`, requested, [200, 201]);
    for (let k = 0; k < 2; k++) expectOk(`ship ${trId}`, await untilAnswered(w, 'POST', `/transfers/${trId}/ship`, {}), [200]);
    const short = i % 3 === 0 ? 1 : 0;
    for (let k = 0; k < 2; k++) expectOk(`receive ${trId}`, await untilAnswered(w, 'POST', `/transfers/${trId}/receive`, { receiptId: 'g', lines: [{ sku, quantity: quantity - short }] }), [200]);
    m.transfers.set(trId, { shipped: { [sku]: quantity }, lost: { [sku]: short } });
    await sleep(200);
  }
}

async function checkDocuments(w: World, m: Motion, delivered: (sku: string) => number): Promise<void> {
  const workflows = async (type: string) => {
    const res = await w.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowType = '${type}'`, pageSize: 1000 });
    return res.executions.map((e) => e.execution?.workflowId ?? '');
  };
  for (const [type, prefix, ids] of [
    ['purchaseOrderWorkflow', 'purchase-order-', [...m.pos.keys()]],
    ['transferWorkflow', 'transfer-', [...m.transfers.keys()]],
  ] as const) {
    const runs = await workflows(type);
    const count = new Map<string, number>();
    for (const id of runs) count.set(id.slice(prefix.length), (count.get(id.slice(prefix.length)) ?? 0) + 1);
    const lost = ids.filter((id) => !count.has(id));
    const twice = [...count].filter(([, n]) => n > 1).map(([id]) => id);
    const unknown = [...count.keys()].filter((id) => !(ids as readonly string[]).includes(id));
    if (lost.length || twice.length || unknown.length) w.problems.push(`${type}: lost ${lost.join(',')} · run twice ${twice.join(',')} · unknown ${unknown.join(',')}`);
  }
  const poStatuses = await w.knex('purchase_orders').pluck('status');
  const transferStatuses = await w.knex('transfers').pluck('status');
  if (poStatuses.length !== m.pos.size || poStatuses.some((s) => s !== 'received')) w.problems.push(`POs: ${poStatuses.length} records for ${m.pos.size} opened, statuses ${[...new Set(poStatuses)].join(',')}`);
  if (transferStatuses.some((s) => s !== 'received')) w.problems.push(`transfers not all received: ${[...new Set(transferStatuses)].join(',')}`);

  // Conservation per SKU, against what this run itself sent.
  for (const sku of SKUS) {
    const onHand = Number((await w.knex('stock_levels').where({ sku }).sum<{ s: string }[]>({ s: 'on_hand' }))[0].s ?? 0);
    const inTransit = Number((await w.knex('transfer_lines').where({ sku }).whereIn('status', ['in_transit', 'needs_attention']).sum<{ s: string }[]>({ s: w.knex.raw('shipped - received - lost') }))[0].s ?? 0);
    const lost = [...m.transfers.values()].reduce((n, t) => n + (t.lost[sku] ?? 0), 0);
    const expected = SEED * WAREHOUSES.length + (m.receivedByPo[sku] ?? 0) - delivered(sku);
    if (onHand + inTransit + lost !== expected) w.problems.push(`conservation ${sku}: on hand ${onHand} + in transit ${inTransit} + lost ${lost} ≠ seeded + received − delivered ${expected}`);
  }
  w.notes.push(`${m.pos.size} POs (${m.pos.size * 2} receipts, each sent twice), ${m.transfers.size} transfers (ship and receive each sent twice)`);
}

export const STOCK_MOTION_RUNS: RunDef[] = [
  {
    id: 9,
    name: 'kill9-stock-motion',
    fault: 'kill -9 the worker mid-run while PO receipts and transfers run beside 200 orders',
    options: { mode: 'simulated', simulatedDelay: '200ms' },
    settleMs: 240_000,
    async run(w, n) {
      await w.seed(WAREHOUSES, Object.fromEntries(WAREHOUSES.map((id) => [id, plentiful(SKUS, SEED)])));
      const m: Motion = { pos: new Map(), transfers: new Map(), receivedByPo: {} };
      const bodies = plainOrders('sm', n, SKUS, 9);
      let ordersDone!: () => void;
      const ordersPosted = new Promise<void>((resolve) => (ordersDone = resolve));
      const documents = driveDocuments(w, m, ordersPosted);
      await w.postAll(bodies, {
        perSecond: 25,
        concurrency: 8,
        atHalf: async () => {
          log(`${w.name}: kill -9 worker pid ${w.worker.pid}`);
          await w.worker.kill9();
          await sleep(2_000);
          await w.startWorker();
          log(`${w.name}: new worker pid ${w.worker.pid}`);
        },
      });
      ordersDone();
      await documents;
      await w.settle(240_000, false);
      const delivered = new Set<string>(await w.knex('order_records').where({ status: 'delivered' }).pluck('order_id'));
      const deliveredUnits = (sku: string) =>
        [...w.accepted].filter((id) => delivered.has(id)).reduce((t, id) => t + (w.posted.get(id)?.lines ?? []).filter((l) => l.sku === sku).reduce((s, l) => s + l.quantity, 0), 0);
      await checkDocuments(w, m, deliveredUnits);
    },
  },
];
