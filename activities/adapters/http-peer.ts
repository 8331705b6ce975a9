/**
 * What the HTTP warehouse and carrier adapters share: the message id derived from the
 * step's idempotency key, and one signed POST whose outcome becomes a value (delivered), a
 * plain Error (retryable: the activity's retry policy tries again under the same id) or an
 * AdapterRejectedError (permanent). Knows nothing of Temporal.
 */
import { createHash } from 'node:crypto';
import { publicReason, signedPost, type SignedPostResult } from '../../integrations/signed-post';
import type { OutboundClient } from '../../integrations/outbound-http';
import { AdapterRejectedError } from './types';

/**
 * `msg_` + 32 hex of sha256("<type>:<key>"). The key is the workflow's for that step and
 * attempt, so every retry of one message carries the same id (the receiver deduplicates by
 * it) and a new attempt (after a hold is released) a new one. The type is in the hash so two
 * message types sent under one key never share an id.
 */
export function messageId(type: string, key: string): string {
  return `msg_${createHash('sha256').update(`${type}:${key}`).digest('hex').slice(0, 32)}`;
}

/** A short stable id from a key, for a peer that answers 2xx without an id of its own. */
export function derivedId(prefix: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 12).toUpperCase()}`;
}

export function requireSecret(secret: string | undefined, peer: string, variable = 'INTEGRATION_SECRET'): string {
  // Non-retryable: no retry makes a secret appear; the order parks in needs_attention saying why.
  if (!secret) throw new AdapterRejectedError(`${variable} is not set: cannot sign messages to ${peer}`);
  return secret;
}

export interface PeerPost {
  url: string;
  /** Several during a rotation grace: one signature each. */
  secret: string | readonly string[];
  type: string;
  key: string;
  body: Record<string, unknown>;
  /** Names the peer in errors: "warehouse WH-1", "carrier". */
  peer: string;
  timeoutMs?: number;
  /** The policed transport (config.outbound); default development's. */
  client?: OutboundClient;
}

/** Delivered → the result; otherwise throws (see the module comment). */
export async function postToPeer(p: PeerPost): Promise<SignedPostResult> {
  const id = messageId(p.type, p.key);
  const result = await signedPost({ url: p.url, secret: p.secret, id, body: { type: p.type, ...p.body }, timeoutMs: p.timeoutMs, client: p.client });
  if (result.outcome === 'delivered') return result;
  // The order's lastError is read by every role: our reason, never the peer's answer (docs/design.md §20).
  const why = `${p.peer} did not take ${p.type} ${id}: ${publicReason(result)}`;
  if (result.outcome === 'permanent') throw new AdapterRejectedError(why);
  throw new Error(why);
}

/** The answer's JSON object, or undefined when it has none. */
export function answerJson(result: SignedPostResult): Record<string, unknown> | undefined {
  if (!result.responseBody) return undefined;
  try {
    const parsed: unknown = JSON.parse(result.responseBody);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A short printable id field of an answer, or undefined. */
export function idField(json: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = json?.[name];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 && !/\p{Cc}/u.test(v) ? v : undefined;
}
