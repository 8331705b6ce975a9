/**
 * The console's only way to the API: same origin, the public endpoints of docs/design.md §6, the
 * key from the session as a Bearer token. A refusal throws ApiFailure carrying the API's
 * own `{error, message}` so pages can show it verbatim.
 */
import { getKey } from './session';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown, key: string | undefined = getKey()): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  // Every write, with a body or not: with authentication off the API refuses writes without it (docs/design.md §20).
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiFailure(0, 'network_error', `The API did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): show what came back rather than nothing.
    if (!res.ok) throw new ApiFailure(res.status, 'http_error', `${res.status} ${res.statusText}: ${text.slice(0, 300)}`);
    throw new ApiFailure(res.status, 'bad_response', `The API answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (json ?? {}) as { error?: string; message?: string; details?: unknown };
    throw new ApiFailure(res.status, err.error ?? 'http_error', err.message ?? `${res.status} ${res.statusText}`, err.details);
  }
  return json as T;
}

export const query = (params: Record<string, string | undefined>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
};

export const enc = encodeURIComponent;
