/**
 * Safe defaults of the API: the address it binds (api/main.ts as a real process), write
 * rate limits and security headers (the app over real HTTP).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { API_KEYS_ENV, as, startApi, type ApiHarness } from './support/api-fixtures';
import { exitOf } from './support/worker-process';
import { eventually, temporalEnv } from './support/temporal';

const root = path.resolve(__dirname, '..');

/** api/main.ts on a free port; resolves with the bound address from its start line. */
async function spawnApi(env: Record<string, string>): Promise<{ child: ChildProcess; host: string; port: number; reason: string }> {
  const { address, namespace } = temporalEnv();
  const child = spawn(process.execPath, ['-r', path.join(root, 'test/support/swc-register.js'), path.join(root, 'api/main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: process.env.DATABASE_URL, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const line = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`api exited: ${output}`);
    return output.split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {})).find((l) => l.msg === 'api listening');
  }, 30_000, 100);
  return { child, host: String(line.host), port: Number(line.port), reason: String(line.hostReason) };
}

const canConnect = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

const externalIPv4 = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('the address the API binds', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGTERM');
      await exitOf(c);
    }
  });

  it('auth off, no HOST: loopback only, and says why', async () => {
    const api = await spawnApi({});
    children.push(api.child);
    expect(api.host).toBe('127.0.0.1');
    expect(api.reason).toMatch(/authentication is off/);
    expect(await canConnect('127.0.0.1', api.port)).toBe(true);
    if (externalIPv4) expect(await canConnect(externalIPv4, api.port)).toBe(false);
  });

  it('auth on, no HOST: every interface', async () => {
    const api = await spawnApi({ API_KEYS: API_KEYS_ENV });
    children.push(api.child);
    expect(api.host).toBe('0.0.0.0');
    if (externalIPv4) expect(await canConnect(externalIPv4, api.port)).toBe(true);
  });

  it('HOST overrides either default', async () => {
    const api = await spawnApi({ API_KEYS: API_KEYS_ENV, HOST: '127.0.0.1' });
    children.push(api.child);
    expect(api.host).toBe('127.0.0.1');
    expect(api.reason).toBe('HOST is set');
    if (externalIPv4) expect(await canConnect(externalIPv4, api.port)).toBe(false);
  });
});

describe('write rate limit and security headers', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi({ env: { RATE_LIMIT_WRITES_PER_MINUTE: '3' } });
  });
  afterAll(() => h?.stop());

  it('answers 429 with Retry-After past the limit, per key', async () => {
    const put = (role: 'admin' | 'support') => request(h.app).put('/skus/RL-1').set(as(role)).send({ name: 'Rate limited' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await put('admin')).status);
    expect(statuses.slice(0, 3).every((s) => s === 200 || s === 201)).toBe(true);
    const limited = await put('admin');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('3 write requests') });
    // Another key has its own budget (403 here: support may not write SKUs, but it was not limited).
    expect((await put('support')).status).toBe(403);
    // Reads are not limited.
    await request(h.app).get('/skus/RL-1').set(as('admin')).expect(200);
  });

  it('sets helmet headers on /health and /docs, with a CSP the docs page works under', async () => {
    for (const p of ['/health', '/docs']) {
      const r = await request(h.app).get(p);
      expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(r.headers['strict-transport-security']).toBeDefined();
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const docs = await request(h.app).get('/docs').expect(200);
    // The page's styles come from its own stylesheet (/docs/assets); inline styles stay allowed for Swagger UI's.
    expect(docs.text).toMatch(/<link rel="stylesheet" href="\/docs\/assets\/swagger-ui.css">/);
    expect(docs.headers['content-security-policy']).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(docs.text).not.toMatch(/<script[^>]+src="https?:/); // nothing from another origin
  });
});
