import { Webhook } from 'standardwebhooks';
import { classifyStatus, generateSecret, signedPost } from '../integrations/signed-post';
import { closedPort, startReceiver, type Receiver } from './support/webhook-receiver';

describe('signedPost against a real receiver on loopback', () => {
  const secret = generateSecret();
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver(secret);
  });
  afterAll(async () => {
    await rx.close();
  });
  beforeEach(() => {
    rx.respond = () => ({ status: 204 });
  });

  const post = (id: string, extra: { timeoutMs?: number; url?: string } = {}) =>
    signedPost({ url: extra.url ?? rx.url, secret, id, body: { id, type: 'order.created', createdAt: new Date().toISOString(), data: { orderId: 'o1' } }, timeoutMs: extra.timeoutMs });

  it('signs per Standard Webhooks: the reference verify accepts it; 2xx → delivered', async () => {
    const res = await post('msg_ok');
    expect(res).toMatchObject({ outcome: 'delivered', statusCode: 204 });
    const got = rx.byEventId('msg_ok');
    expect(got).toHaveLength(1);
    expect(got[0].id).toBe('msg_ok');
    expect(got[0].body).toMatchObject({ id: 'msg_ok', type: 'order.created', data: { orderId: 'o1' } });
    expect(Math.abs(Number(got[0].timestamp) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('a receiver with another secret refuses the signature', async () => {
    await post('msg_other');
    const entry = rx.received.find((r) => r.id === 'msg_other')!;
    const headers = { 'webhook-id': entry.id, 'webhook-timestamp': entry.timestamp, 'webhook-signature': 'v1,AAAA' };
    expect(() => new Webhook(generateSecret()).verify(entry.raw, headers)).toThrow();
  });

  it('500 → retryable, 400 → permanent, 429 → retryable, with the status code and the answer', async () => {
    for (const [status, outcome] of [
      [500, 'retryable'],
      [400, 'permanent'],
      [429, 'retryable'],
      [408, 'retryable'],
      [409, 'retryable'],
      [404, 'permanent'],
    ] as const) {
      rx.respond = () => ({ status, body: `nope ${status}` });
      const res = await post(`msg_${status}`);
      expect(res).toMatchObject({ outcome, statusCode: status, error: `HTTP ${status}`, responseBody: `nope ${status}` });
    }
  });

  it('a receiver that never answers → retryable after timeoutMs', async () => {
    rx.respond = () => ({ hold: true });
    const started = Date.now();
    const res = await post('msg_slow', { timeoutMs: 300 });
    expect(res.outcome).toBe('retryable');
    expect(res.statusCode).toBeUndefined();
    expect(res.error).toBe('timed out');
    expect(Date.now() - started).toBeLessThan(3_000);
    rx.releaseHeld();
  });

  it('connection refused → retryable with the error', async () => {
    const res = await post('msg_refused', { url: `http://127.0.0.1:${await closedPort()}/hook` });
    expect(res.outcome).toBe('retryable');
    expect(res.error).toMatch(/ECONNREFUSED/);
  });

  it('classifies every status class', () => {
    expect([200, 201, 299].map(classifyStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([301, 302].map(classifyStatus)).toEqual(['retryable', 'retryable']);
    expect([401, 403, 410, 422].map(classifyStatus)).toEqual(['permanent', 'permanent', 'permanent', 'permanent']);
    expect([502, 503].map(classifyStatus)).toEqual(['retryable', 'retryable']);
  });

  it('generateSecret: whsec_ + 24-64 random bytes in base64', () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(Buffer.from(generateSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(generateSecret()).not.toBe(s);
    expect(() => generateSecret(8)).toThrow(RangeError);
  });
});
