/**
 * What NODE_ENV=production refuses at start (docs/design.md §20, "Hygiene" and "Outbound
 * destinations"), each naming its variable, and never printing a key.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/config';
import { keyFingerprint } from '../api/key-fingerprint';

const ADMIN_KEY = 'a'.repeat(40);
const PRODUCTION = {
  NODE_ENV: 'production',
  API_KEYS: `${ADMIN_KEY}:admin`,
  CURSOR_SECRET: 'cursor-secret-0123456789abcdef',
  INTEGRATION_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('production start refusals', () => {
  it('the production baseline starts', () => {
    expect(problemsOf(PRODUCTION)).toEqual([]);
    expect(loadConfig(PRODUCTION).outbound).toMatchObject({ allowLoopback: false, refuseAtRegistration: true, allowedNetworks: [] });
    expect(loadConfig(PRODUCTION).authFailuresPerMinute).toBe(30);
    expect(loadConfig({ ...PRODUCTION, AUTH_FAILURES_PER_MINUTE: '0' }).authFailuresPerMinute).toBe(0);
  });

  it('no CURSOR_SECRET: refused, naming it (the database URL is no secret to derive it from)', () => {
    const { CURSOR_SECRET: _, ...env } = PRODUCTION;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^CURSOR_SECRET: required when NODE_ENV=production/)]);
    // Outside production the derived one still serves a laptop.
    expect(loadConfig({ ...env, NODE_ENV: 'development' }).cursorSecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an API key shorter than 32 characters: refused by position and fingerprint, never printed', () => {
    const short = 'short-but-secret-key-123';
    const problems = problemsOf({ ...PRODUCTION, API_KEYS: `${ADMIN_KEY}:admin,${short}:system` });
    expect(problems).toEqual([expect.stringMatching(/^API_KEYS: keys must be at least 32 characters/)]);
    expect(problems[0]).toContain(`entry 2 (${keyFingerprint(short)})`);
    expect(problems.join('\n')).not.toContain(short);
    expect(problems.join('\n')).not.toContain(short.slice(0, 3) + '…');
    // 32 exactly is enough; development takes any length.
    expect(problemsOf({ ...PRODUCTION, API_KEYS: `${'b'.repeat(32)}:admin` })).toEqual([]);
    expect(problemsOf({ API_KEYS: 'k1:admin' })).toEqual([]);
  });

  it('a malformed API_KEYS entry is named by position and fingerprint, never printed whole', () => {
    const pasted = 'this-whole-entry-is-a-key-without-role';
    for (const env of [{ ...PRODUCTION, API_KEYS: `${ADMIN_KEY}:admin,${pasted}` }, { API_KEYS: `${ADMIN_KEY}:admin,${pasted}` }]) {
      const problems = problemsOf(env);
      expect(problems).toEqual([`API_KEYS: entry 2 (fingerprint ${keyFingerprint(pasted)}) must be key:role with role one of system|support|ops|admin, or key:system/warehouse=<id>, or key:system/channel=<channel>`]);
      expect(problems[0]).not.toContain(pasted.slice(0, 8));
    }
    const withBadRole = `${'s'.repeat(40)}:kingofall`;
    expect(problemsOf({ API_KEYS: withBadRole }).join('\n')).not.toContain('sss');
  });

  it('CARRIER_URL at an internal address or localhost: refused at start, naming it', () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://169.254.169.254/', 'http://[::1]/', 'http://10.1.2.3/', 'http://localhost:4000/carrier']) {
      expect([url, problemsOf({ ...PRODUCTION, CARRIER_URL: url })]).toEqual([url, [expect.stringMatching(/^CARRIER_URL: .* is a (loopback|link-local|private) address/)]]);
    }
    expect(problemsOf({ ...PRODUCTION, CARRIER_URL: 'https://carrier.example.com/labels' })).toEqual([]);
    expect(problemsOf({ ...PRODUCTION, CARRIER_URL: 'http://10.1.2.3/', OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/8' })).toEqual([]);
    expect(problemsOf({ ...PRODUCTION, NODE_ENV: 'development', CARRIER_URL: 'http://127.0.0.1:9/x' })).toEqual([]);
  });

  it('OUTBOUND_ALLOWED_NETWORKS: a malformed entry is refused naming the variable', () => {
    expect(problemsOf({ ...PRODUCTION, OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/8, nonsense' })).toEqual([expect.stringMatching(/^OUTBOUND_ALLOWED_NETWORKS: entry 2 \("nonsense"\) must be a CIDR/)]);
    expect(loadConfig({ ...PRODUCTION, OUTBOUND_ALLOWED_NETWORKS: '127.0.0.0/8,fd00::/8' }).outbound.allowedNetworks.map((n) => n.text)).toEqual(['127.0.0.0/8', 'fd00::/8']);
  });
});

describe('the API process refuses to start', () => {
  const root = path.resolve(__dirname, '..');
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', `${root}/test/support/swc-register.js`, `${root}/api/main.ts`], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('names CURSOR_SECRET and the short key by fingerprint, and prints no key', async () => {
    const short = 'tooshort-admin-key';
    const { CURSOR_SECRET: _unused, ...env } = PRODUCTION;
    const res = await start({ ...env, API_KEYS: `${ADMIN_KEY}:admin,${short}:support` });
    expect(res.code).toBe(1);
    expect(res.output).toContain('CURSOR_SECRET: required when NODE_ENV=production');
    expect(res.output).toContain(`API_KEYS: keys must be at least 32 characters when NODE_ENV=production; too short: entry 2 (${keyFingerprint(short)})`);
    expect(res.output).not.toContain(short);
    expect(res.output).not.toContain(ADMIN_KEY);
  });
});
