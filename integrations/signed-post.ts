/**
 * The one outbound HTTP client: a JSON POST signed per Standard Webhooks (DESIGN §10)
 * with the reference implementation, classified into delivered / permanent / retryable.
 * Webhook delivery uses it; the warehouse and carrier adapters are meant to as well, so
 * it knows nothing of what it sends or of retry policy — callers decide what to do with
 * the outcome. Knows nothing of Temporal.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type PostOutcome = 'delivered' | 'permanent' | 'retryable';

export interface SignedPostInput {
  url: string;
  /**
   * `whsec_<base64>`; several during a secret's rotation grace (docs/design.md §20): the message
   * then carries one `v1,…` signature per secret, space-separated, and verifies with any of them.
   */
  secret: string | readonly string[];
  /** The message id: the same on every retry, so the receiver can deduplicate. */
  id: string;
  /** Signing time; default now. Standard Webhooks receivers refuse one more than 5 min off. */
  timestamp?: Date;
  /** Sent as is when a string, else JSON-encoded once (the signed bytes are the sent bytes). */
  body: unknown;
  /** Default 10 s (DESIGN §10). */
  timeoutMs?: number;
  /** Aborts the request early (shutdown); the result is then `retryable`. */
  signal?: AbortSignal;
}

export interface SignedPostResult {
  outcome: PostOutcome;
  statusCode?: number;
  error?: string;
  /** At most RESPONSE_BODY_LIMIT characters, for the delivery log and for callers that read an answer (a carrier's label). */
  responseBody?: string;
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const RESPONSE_BODY_LIMIT = 4_096;

/** 408, 409 and 429 say "not now" rather than "never": worth another try. */
const RETRYABLE_4XX = new Set([408, 409, 429]);

export function classifyStatus(status: number): PostOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) return 'permanent';
  // 5xx, the retryable 4xx, and 1xx/3xx (redirects are not followed: a signed message
  // must reach the URL that was registered, not wherever that URL points us).
  return 'retryable';
}

/** `whsec_` + 32 random bytes in base64: the format Standard Webhooks libraries accept. */
export function generateSecret(bytes = 32): string {
  if (bytes < 24 || bytes > 64) throw new RangeError('a secret has 24 to 64 bytes');
  return `whsec_${randomBytes(bytes).toString('base64')}`;
}

/** The three Standard Webhooks headers for `payload`, with a signature per secret. */
export function signatureHeaders(secret: string | readonly string[], id: string, timestamp: Date, payload: string): Record<string, string> {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new RangeError('a message needs at least one signing secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, timestamp, payload)).join(' '),
  };
}

// Duck-typed: fetch's errors may come from another realm (jest's sandbox), so no instanceof.
function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') return String(err);
  const e = err as Error;
  if (e.name === 'TimeoutError') return 'timed out';
  if (e.name === 'AbortError') return 'aborted';
  // undici wraps the socket error: "fetch failed" alone says nothing.
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${e.message}: ${cause.code}` : cause?.message ? `${e.message}: ${cause.message}` : e.message;
}

async function readLimited(res: Response): Promise<string | undefined> {
  try {
    const text = await res.text();
    return text === '' ? undefined : text.slice(0, RESPONSE_BODY_LIMIT);
  } catch {
    return undefined;
  }
}

export async function signedPost(input: SignedPostInput): Promise<SignedPostResult> {
  const started = Date.now();
  const payload = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const timeout = AbortSignal.timeout(input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  try {
    const res = await fetch(input.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'fulfillment-orchestrator',
        ...signatureHeaders(input.secret, input.id, input.timestamp ?? new Date(), payload),
      },
      body: payload,
      redirect: 'manual',
      signal,
    });
    const responseBody = await readLimited(res);
    const outcome = classifyStatus(res.status);
    return {
      outcome,
      statusCode: res.status,
      ...(outcome === 'delivered' ? {} : { error: `HTTP ${res.status}` }),
      ...(responseBody === undefined ? {} : { responseBody }),
      durationMs: Date.now() - started,
    };
  } catch (err) {
    return { outcome: 'retryable', error: describe(err), durationMs: Date.now() - started };
  }
}
