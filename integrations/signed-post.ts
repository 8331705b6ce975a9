/**
 * The one outbound HTTP client: a JSON POST signed per Standard Webhooks (docs/design.md §10)
 * with the reference implementation, classified into delivered / permanent / retryable.
 * Webhook delivery and the warehouse and carrier adapters use it, so it knows nothing of
 * what it sends or of retry policy — callers decide what to do with the outcome. Where it
 * may connect and how much of an answer it reads is outbound-http.ts's (docs/design.md §20).
 * Knows nothing of Temporal.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createOutboundClient, DESTINATION_NOT_ALLOWED, DestinationNotAllowedError, type OutboundClient } from './outbound-http';

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
  /** Default 10 s (docs/design.md §10). */
  timeoutMs?: number;
  /** Aborts the request early (shutdown); the result is then `retryable`. */
  signal?: AbortSignal;
  /** The policed transport (config.outbound); default: development's, loopback allowed. */
  client?: OutboundClient;
}

export interface SignedPostResult {
  outcome: PostOutcome;
  statusCode?: number;
  error?: string;
  /** At most 4 KB of the answer, for callers that read one (a carrier's label); never kept where other roles read. */
  responseBody?: string;
  /** Bytes of the answer taken from the socket (the cap plus at most one chunk). */
  bytesRead?: number;
  durationMs: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

let developmentClient: OutboundClient | undefined;
/** Loopback allowed, every other internal address refused: what tests and tools get unless given the configured client. */
const defaultClient = (): OutboundClient => (developmentClient ??= createOutboundClient({ policy: { allowLoopback: true, allowedNetworks: [] } }));

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

// Duck-typed: errors may come from another realm (jest's sandbox), so no instanceof.
function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') return String(err);
  const e = err as Error & { code?: string };
  if (e.name === 'TimeoutError') return 'timed out';
  if (e.name === 'AbortError') return 'aborted';
  if (e.code === DESTINATION_NOT_ALLOWED) return e.message;
  // The socket's code (ECONNREFUSED, ENOTFOUND) says what happened without the peer's address.
  return e.code ? `connection failed: ${e.code}` : e.message;
}

export async function signedPost(input: SignedPostInput): Promise<SignedPostResult> {
  const started = Date.now();
  const payload = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  try {
    // Redirects are never followed: a 3xx is an answer like any other (classifyStatus).
    const res = await (input.client ?? defaultClient()).post({
      url: input.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'fulfillment-orchestrator',
        ...signatureHeaders(input.secret, input.id, input.timestamp ?? new Date(), payload),
      },
      body: payload,
      timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: input.signal,
    });
    const outcome = classifyStatus(res.status);
    return {
      outcome,
      statusCode: res.status,
      ...(outcome === 'delivered' ? {} : { error: `HTTP ${res.status}` }),
      ...(res.body === undefined ? {} : { responseBody: res.body }),
      bytesRead: res.bytesRead,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    // An internal address stays internal whatever the retry: the attempt fails for good.
    const outcome = err instanceof DestinationNotAllowedError || (err as { code?: string })?.code === DESTINATION_NOT_ALLOWED ? 'permanent' : 'retryable';
    return { outcome, error: describe(err), durationMs: Date.now() - started };
  }
}

/**
 * What may be kept where other roles read it (a delivery log's lastError, an order's lastError):
 * our own account of the failure — the status code, or timed out / connection failed / the
 * destination refusal — printable and short; never the peer's answer (docs/design.md §20).
 */
export function publicReason(result: Pick<SignedPostResult, 'error' | 'statusCode'>, max = 160): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const text = (result.error ?? (result.statusCode === undefined ? 'no answer' : `HTTP ${result.statusCode}`)).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
