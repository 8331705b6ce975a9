/**
 * PAYLOAD_ENCRYPTION_KEYS end to end: real API, worker, Temporal dev server and Postgres.
 * The history as the server stores it holds no personal data; the codec (clients, worker,
 * codec server) reads it back; keys rotate; an encrypted history replays.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { dataConverter, EncryptionCodec, KEY_ID_METADATA } from '../platform/payload-codec';
import { as, orderBody, orderWorkflowBundle, seedStock, startApi, uid, type ApiHarness, type TestApp } from './support/api-fixtures';
import { connectClient, eventually, uniqueTaskQueue } from './support/temporal';

const keyA = { id: 'a', key: randomBytes(32) };
const keyB = { id: 'b', key: randomBytes(32) };
const env = (...keys: { id: string; key: Buffer }[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
const PERSONAL = ['Ada Lovelace', 'ada@example.com', '12 St James Square'];

type History = temporal.api.history.v1.IHistory;

/** Every byte field as latin1 text, so a plaintext string anywhere in a payload would show. */
function historyText(history: unknown): string {
  return JSON.stringify(history, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('latin1');
    }
    return v;
  });
}

/** Every payload object in the tree (anything with metadata and data). */
function payloadsIn(node: unknown, out: temporal.api.common.v1.IPayload[] = [], skip: string[] = []): temporal.api.common.v1.IPayload[] {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  const o = node as Record<string, unknown>;
  if ('metadata' in o && 'data' in o && o.metadata && typeof o.metadata === 'object') out.push(o as temporal.api.common.v1.IPayload);
  else for (const [k, v] of Object.entries(o)) if (!skip.includes(k)) payloadsIn(v, out, skip);
  return out;
}

/**
 * Key ids of every payload we write. Left out: search attributes (the server must read
 * them, so they are never encoded) and the SDK's own marker bookkeeping (local-activity
 * sequence numbers, patch ids), which core writes without the data converter; a local
 * activity's result (details.result) is ours and counts.
 */
function keyIds(history: History): Set<string> {
  const ours = (history.events ?? []).flatMap((e) =>
    e.markerRecordedEventAttributes
      ? payloadsIn({ ...e, markerRecordedEventAttributes: { result: e.markerRecordedEventAttributes.details?.result } }, [], ['searchAttributes'])
      : payloadsIn(e, [], ['searchAttributes']),
  );
  return new Set(ours.map((p) => (p.metadata?.[KEY_ID_METADATA] ? Buffer.from(p.metadata[KEY_ID_METADATA]).toString() : 'none')));
}

async function rawHistory(workflowId: string): Promise<History> {
  const { client, connection } = await connectClient(); // no codec: what the server holds
  try {
    return await client.workflow.getHandle(workflowId).fetchHistory();
  } finally {
    await connection.close();
  }
}

async function untilStatus(app: TestApp, orderId: string, status: string) {
  return eventually(async () => {
    const r = await request(app).get(`/orders/${orderId}`).set(as('support'));
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  });
}

describe('payload encryption', () => {
  const taskQueue = uniqueTaskQueue('crypt');
  let h: ApiHarness | undefined;
  let orderId: string;
  afterAll(async () => {
    await h?.stop();
  });

  it('keeps personal data out of the stored history; the API still shows it', async () => {
    h = await startApi({ worker: true, env: { PAYLOAD_ENCRYPTION_KEYS: env(keyA), TASK_QUEUE: taskQueue } });
    const { sku } = await seedStock(h.app, 5);
    orderId = uid('enc');
    await request(h.app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 1 }], { orderId })).expect(202);
    await untilStatus(h.app, orderId, 'picking');
    const picked = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'picked' });
    expect(picked.status).toBe(200); // an Update's argument and result in the history too

    const view = await request(h.app).get(`/orders/${orderId}`).set(as('support')).expect(200);
    expect(view.body.customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(JSON.stringify(view.body)).toContain('12 St James Square');

    const history = await rawHistory(`order-${orderId}`);
    const text = historyText(history);
    for (const s of PERSONAL) expect(text).not.toContain(s);
    const started = history.events?.[0];
    // Summary, details and memo are payloads, and encrypted like the rest.
    for (const p of [started?.userMetadata?.summary, started?.userMetadata?.details, ...Object.values(started?.workflowExecutionStartedEventAttributes?.memo?.fields ?? {})]) {
      expect(p?.metadata?.encoding && Buffer.from(p.metadata.encoding).toString()).toBe('binary/encrypted');
    }
    expect(keyIds(history)).toEqual(new Set(['a']));
    // Search attributes are never encoded: they carry ids only.
    const attrs = Object.keys(started?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {});
    expect(attrs.sort()).toEqual(['Channel', 'CustomerId', 'OrderStatus', 'Skus']);

    // Control: the same walk over the decoded payloads finds every string.
    const decoded = await new EncryptionCodec([keyA]).decode(payloadsIn(history) as never);
    const decodedText = decoded.map((p) => Buffer.from(p.data ?? []).toString()).join('\n');
    for (const s of PERSONAL) expect(decodedText).toContain(s);
  });

  it('current details (the UI metadata query) leave the worker encrypted', async () => {
    const { client, connection } = await connectClient();
    try {
      const res = await client.workflowService.queryWorkflow({
        namespace: 'default',
        execution: { workflowId: `order-${orderId}` },
        query: { queryType: '__temporal_workflow_metadata' },
      });
      const payloads = res.queryResult?.payloads ?? [];
      expect(payloads.length).toBeGreaterThan(0);
      for (const p of payloads) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe('binary/encrypted');
    } finally {
      await connection.close();
    }
  });

  it('the codec server decodes what the worker wrote, for support and admin only, with CORS for the UI', async () => {
    const app = h!.app;
    const history = await rawHistory(`order-${orderId}`);
    const input = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const body = {
      payloads: input.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data ?? []).toString('base64'),
      })),
    };
    const origin = 'http://temporal-ui.test:8233';
    const res = await request(app).post('/codec/decode').set(as('support')).set('Origin', origin).set('X-Namespace', 'default').send(body).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const plain = Buffer.from(res.body.payloads[0].data, 'base64').toString();
    expect(plain).toContain('Ada Lovelace');
    expect(Buffer.from(res.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');

    // Round trip through /encode, then back.
    const enc = await request(app).post('/codec/encode').set(as('admin')).send(res.body).expect(200);
    expect(Buffer.from(enc.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const back = await request(app).post('/codec/default/decode').set(as('admin')).send(enc.body).expect(200);
    expect(back.body).toEqual(res.body);

    await request(app).post('/codec/decode').set(as('system')).send(body).expect(403);
    await request(app).post('/codec/decode').set(as('ops')).send(body).expect(403);
    await request(app).post('/codec/decode').send(body).expect(401);
    const preflight = await request(app)
      .options('/codec/decode')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace')
      .expect(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization.*Content-Type.*X-Namespace/i);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    const other = await request(app).options('/codec/decode').set('Origin', 'http://evil.test').expect(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rotates: a worker and client on B,A read the A history and write with B', async () => {
    await h!.stop();
    h = await startApi({ worker: true, env: { PAYLOAD_ENCRYPTION_KEYS: env(keyB, keyA), TASK_QUEUE: taskQueue } });
    // A fresh worker: it replays the A-encrypted history to answer.
    const view = await request(h.app).get(`/orders/${orderId}`).set(as('support')).expect(200);
    expect(view.body).toMatchObject({ status: 'packing', customer: { name: 'Ada Lovelace' } });
    const packed = await request(h.app).post(`/orders/${orderId}/events`).set(as('system')).send({ type: 'packed' });
    expect(packed.status).toBe(200);
    const history = await rawHistory(`order-${orderId}`);
    expect(keyIds(history)).toEqual(new Set(['a', 'b']));
    for (const s of PERSONAL) expect(historyText(history)).not.toContain(s);

    // A client holding only A cannot read what B wrote.
    const { client, connection } = await connectClient(dataConverter([keyA]));
    try {
      await expect(client.workflow.getHandle(`order-${orderId}`).query('status')).rejects.toThrow();
    } finally {
      await connection.close();
    }
  });

  it('an encrypted history replays with the codec', async () => {
    // A closed history: the replayer has no activities, and an open order's next step may be one.
    await request(h!.app).post(`/orders/${orderId}/cancel`).set(as("support")).send({ reason: "replay test" }).expect(200);
    const history = await rawHistory(`order-${orderId}`);
    await Worker.runReplayHistory(
      { workflowBundle: await orderWorkflowBundle(), dataConverter: dataConverter([keyB, keyA]) },
      history,
      `order-${orderId}`,
    );
  });

  it('without keys the codec server answers 404 saying why', async () => {
    const plain = await startApi({});
    try {
      const res = await request(plain.app).post('/codec/decode').set(as('admin')).send({ payloads: [] }).expect(404);
      expect(res.body).toMatchObject({ error: 'not_found', message: expect.stringContaining('PAYLOAD_ENCRYPTION_KEYS') });
    } finally {
      await plain.stop();
    }
  });
});
