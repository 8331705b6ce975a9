/**
 * An example warehouse service for docs/design.md §10: receives the orchestrator's signed
 * `fulfillment.requested` / `fulfillment.cancelled` messages, verifies them with the
 * Standard Webhooks reference library, deduplicates by webhook-id, logs them, and reports
 * back through the orchestrator's API (`POST /orders/:id/events` with the fulfillmentId).
 *
 *   WAREHOUSE_SIGNING_SECRET=whsec_… API_KEY=<warehouse key> node dist/examples/warehouse-service/main.js [--auto] [--ship]
 *
 * Per warehouse (docs/access-control.md): WAREHOUSE_SIGNING_SECRET is this warehouse's own secret,
 * answered once by `POST /warehouses/<id>/signing-secret` (or by the PUT that gave it its
 * fulfillmentUrl when the orchestrator has no INTEGRATION_SECRET); API_KEY a key scoped to it,
 * `key:system/warehouse=<id>`, so it can report on its own fulfillments only. A warehouse
 * without its own secret verifies with INTEGRATION_SECRET (compatibility). During a rotation
 * messages carry two signatures: set the new secret whenever you like within the grace.
 *
 * --auto   report picked, then packed, AUTO_DELAY ms apart (default 2000) for every request
 * --ship   with --auto, also report shipped (when the carrier is manual: CARRIER_MODE=manual)
 * Without --auto, report by hand:  curl -X POST localhost:4000/report -d '{"orderId":…,"fulfillmentId":…,"type":"picked"}'
 * Env: PORT (4000), API_URL (http://127.0.0.1:3000), API_KEY (a key scoped to this warehouse when the API has keys).
 *
 * A separate program, not part of the product: it reads its own environment.
 */
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WAREHOUSE_SIGNING_SECRET ?? process.env.INTEGRATION_SECRET;
if (!secret) {
  console.error('WAREHOUSE_SIGNING_SECRET (this warehouse\'s own whsec_…) or INTEGRATION_SECRET (the shared one) is required');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 4000);
const apiUrl = (process.env.API_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const apiKey = process.env.API_KEY;
const auto = process.argv.includes('--auto');
const ship = process.argv.includes('--ship');
const delayMs = Number(process.env.AUTO_DELAY ?? 2000);

const verifier = new Webhook(secret);
/** webhook-ids already acted on: a retry of a message we have is answered 200 and ignored. */
const seen = new Set<string>();
const log = (...parts: unknown[]) => console.log(new Date().toISOString(), ...parts);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function report(orderId: string, event: Record<string, unknown>): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${apiUrl}/orders/${encodeURIComponent(orderId)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(event),
  });
  log('reported', event.type, 'for', orderId, event.fulfillmentId, '→', res.status);
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

/** Whether the order still waits for this event; undefined when it cannot tell now (keep trying). */
async function stillWaits(orderId: string, fulfillmentId: string, type: string): Promise<boolean | undefined> {
  const res = await fetch(`${apiUrl}/orders/${encodeURIComponent(orderId)}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} }).catch(() => undefined);
  if (!res || res.status !== 200) return undefined;
  const order = (await res.json()) as { status: string; fulfillments?: { fulfillmentId: string; status: string }[] };
  if (['delivered', 'cancelled', 'rejected', 'timed_out'].includes(order.status)) return false;
  const f = order.fulfillments?.find((x) => x.fulfillmentId === fulfillmentId);
  if (!f) return undefined;
  const upTo: Record<string, string[]> = { picked: ['requested', 'picking'], packed: ['requested', 'picking', 'packing'], shipped: ['requested', 'picking', 'packing', 'shipping'] };
  return (upTo[type] ?? []).includes(f.status);
}

/**
 * Sends the event until it is taken, as docs/rate-limits.md asks: 429 and 503 (and no answer)
 * are sent again after Retry-After (or a backoff up to 30 s, with jitter); a 409 means the order
 * has not seen our 2xx yet, or has moved on: sent again while the order still waits for it.
 * Never gives up on an event the order waits for.
 */
async function reportSoon(orderId: string, event: Record<string, unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { status, retryAfter } = await report(orderId, event).catch((err: unknown) => (log('report failed', String(err)), { status: 0, retryAfter: null }));
    if (status === 200) return;
    const backoff = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
    let waitMs = backoff / 2 + (Math.random() * backoff) / 2;
    if (status === 429 || status === 503 || status === 0) {
      if (retryAfter && /^\d+$/.test(retryAfter)) waitMs = Number(retryAfter) * 1000 * (1 + 0.2 * Math.random());
    } else if (status === 409) {
      const waits = await stillWaits(orderId, String(event.fulfillmentId), String(event.type));
      if (waits === false) return log('not needed any more:', event.type, 'for', orderId);
    } else {
      return log('giving up on', event.type, 'for', orderId, ': the API answered', status);
    }
    await sleep(waitMs);
  }
}

async function autoReport(orderId: string, fulfillmentId: string): Promise<void> {
  const steps: Record<string, unknown>[] = [{ type: 'picked' }, { type: 'packed' }];
  if (ship) steps.push({ type: 'shipped', carrier: 'ExampleWarehouseCourier', trackingNumber: `EX-${fulfillmentId}` });
  for (const step of steps) {
    await sleep(delayMs);
    await reportSoon(orderId, { ...step, fulfillmentId });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  void (async () => {
    const raw = await readBody(req);
    if (req.method === 'POST' && req.url === '/report') {
      // The manual trigger: unsigned, so it listens on loopback only (see below).
      const { orderId, ...event } = JSON.parse(raw || '{}') as { orderId: string } & Record<string, unknown>;
      const { status } = await report(orderId, event);
      res.writeHead(status === 200 ? 200 : 502).end();
      return;
    }
    let msg: Record<string, unknown>;
    try {
      msg = verifier.verify(raw, {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      }) as Record<string, unknown>;
    } catch (err) {
      log('refused a request with a bad signature:', (err as Error).message);
      res.writeHead(401).end();
      return;
    }
    const id = String(req.headers['webhook-id']);
    const repeat = seen.has(id);
    seen.add(id);
    log(repeat ? 'repeat of' : 'received', id, JSON.stringify(msg));
    const fulfillmentId = String(msg.fulfillmentId);
    if (msg.type === 'fulfillment.requested' && !repeat && auto) void autoReport(String(msg.orderId), fulfillmentId);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(msg.type === 'fulfillment.requested' ? { taskId: `EX-${fulfillmentId}` } : {}));
  })().catch((err: unknown) => {
    log('error', String(err));
    if (!res.headersSent) res.writeHead(500).end();
  });
});

server.listen(port, '127.0.0.1', () => log(`example warehouse on http://127.0.0.1:${port} (auto: ${auto}, ship: ${ship}) → ${apiUrl}`));
