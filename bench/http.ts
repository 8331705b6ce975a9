/**
 * A small keep-alive JSON client for the benches (node:http, 127.0.0.1 only), and the polite
 * way to use it: a request refused for now (429, 503, no answer) is sent again after the
 * server's Retry-After, or a backoff, as docs/rate-limits.md asks of every integrator.
 */
import http from 'node:http';
import { isTransient, politeWaitMs, retryAfterMs } from '../integrations/retry-after';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 1_000 });

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  /** Absent when there was no answer (status 0). */
  headers?: http.IncomingHttpHeaders;
}

/** One request; resolves with status 0 and the error message as body when the connection fails or times out. */
export function httpJson<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<T>> {
  const url = new URL(path, base);
  if (url.hostname !== '127.0.0.1') throw new Error(`bench HTTP goes to 127.0.0.1 only, not ${url.hostname}`);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/json',
          // On every write, body or not: with authentication off the API refuses writes without it.
          ...(payload || method !== 'GET' ? { 'content-type': 'application/json' } : {}),
          ...(payload ? { 'content-length': String(payload.length) } : {}),
          ...opts.headers,
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: res.headers });
        });
        res.on('error', (err) => resolve({ status: 0, body: err.message as T }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message as T }));
    if (payload) req.write(payload);
    req.end();
  });
}

export function closeHttpAgent(): void {
  agent.destroy();
}

export interface PoliteOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Give up when this passes (default: 10 minutes from the first attempt). */
  deadline?: number;
  /** Asked before each new attempt: true = the request is no longer needed (answer the last one). */
  stop?: () => boolean | Promise<boolean>;
  /** Called with each refused-for-now answer (for the run's counts). */
  onRetry?: (answer: HttpAnswer) => void;
}

/** One request sent until it gets an answer that is not "not now" (429, 502–504, none), honouring Retry-After. */
export async function sendPolitely<T = unknown>(base: string, method: string, path: string, body?: unknown, opts: PoliteOptions = {}): Promise<HttpAnswer<T>> {
  const deadline = opts.deadline ?? Date.now() + 600_000;
  for (let attempt = 0; ; attempt++) {
    const answer = await httpJson<T>(base, method, path, body, { timeoutMs: opts.timeoutMs, headers: opts.headers });
    if (!isTransient(answer.status)) return answer;
    opts.onRetry?.(answer);
    const wait = politeWaitMs(attempt, retryAfterMs(answer.headers?.['retry-after'], Date.now()), { random: Math.random });
    if (Date.now() + wait > deadline || (await opts.stop?.())) return answer;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * One request over several replicas of the API (fault run 10): no answer or a 5xx moves the
 * same request (same body, same headers, so the same idempotency) to the next replica at once;
 * a 429 waits out its Retry-After on the replica that gave it; a full round of failures backs off.
 */
export async function sendFailover<T = unknown>(bases: readonly string[], start: number, method: string, path: string, body?: unknown, opts: PoliteOptions = {}): Promise<HttpAnswer<T>> {
  const deadline = opts.deadline ?? Date.now() + 600_000;
  let at = start % bases.length;
  for (let attempt = 0; ; attempt++) {
    const answer = await httpJson<T>(bases[at], method, path, body, { timeoutMs: opts.timeoutMs, headers: opts.headers });
    if (!isTransient(answer.status) && answer.status < 500) return answer;
    opts.onRetry?.(answer);
    const throttled = answer.status === 429;
    if (!throttled) at = (at + 1) % bases.length;
    const wait = throttled || at === start % bases.length ? politeWaitMs(attempt, retryAfterMs(answer.headers?.['retry-after'], Date.now()), { random: Math.random }) : 0;
    if (Date.now() + wait > deadline || (await opts.stop?.())) return answer;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
