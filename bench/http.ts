/** A small keep-alive JSON client for the benches (node:http, 127.0.0.1 only). */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 1_000 });

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
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
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
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
