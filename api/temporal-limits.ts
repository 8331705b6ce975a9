/**
 * Temporal's refusals for a limit (gRPC RESOURCE_EXHAUSTED, FAILED_PRECONDITION) as clear HTTP
 * answers instead of a 500 or a misleading "unreachable". The server's own message is kept in
 * `details.temporal`: it names the limit (e.g. "limit on number of concurrent in-flight updates
 * has been reached"), and its wording is not an API, so it only picks the code.
 */
import { ApiError } from './api-error';
import { grpcCodeOf, isAbortedWithWorkflowTask } from './temporal-errors';

const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;

/** How long a client should wait before sending a request Temporal throttled again. */
export const RETRY_AFTER_SECONDS = 1;

function messagesOf(err: unknown): string {
  const out: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur; depth++) {
    const e = cur as { message?: unknown; details?: unknown };
    if (typeof e.message === 'string') out.push(e.message);
    if (typeof e.details === 'string') out.push(e.details);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out.join(' | ');
}

/** The HTTP answer for a Temporal limit, or undefined when `err` is not one. */
export function temporalLimitError(err: unknown, orderId?: string): ApiError | undefined {
  const code = grpcCodeOf(err);
  if (code !== GRPC_RESOURCE_EXHAUSTED && code !== GRPC_FAILED_PRECONDITION) return undefined;
  const temporal = messagesOf(err);
  const who = orderId === undefined ? {} : { orderId };
  const order = orderId === undefined ? 'The order' : `Order ${orderId}`;
  const retryAfter = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  if (code === GRPC_RESOURCE_EXHAUSTED) {
    if (/in-flight update|outstanding update/i.test(temporal)) {
      return new ApiError(429, 'too_many_updates', `${order} has too many requests in progress; try again shortly`, { ...who, temporal }, undefined, retryAfter);
    }
    // Persistence, shard or namespace rate limits: the cluster as a whole, not this request.
    if (/system overloaded|persistence|busy/i.test(temporal)) {
      return new ApiError(503, 'service_unavailable', 'Temporal is overloaded; try again shortly', { ...who, temporal }, undefined, retryAfter);
    }
    return new ApiError(429, 'rate_limited', 'Temporal is rate limiting requests; try again shortly', { ...who, temporal }, undefined, retryAfter);
  }
  // Raced with a workflow task and never applied, or the order's last workflow task failed and the
  // server retries it (a worker died or ran out of time under load) and takes no Update meanwhile:
  // safe to send again, so transient — a 409 would tell an integrator to stop sending for good.
  if (isAbortedWithWorkflowTask(err) || /workflow task in failed state/i.test(temporal)) {
    return new ApiError(503, 'service_unavailable', 'The order was busy and did not take the request; try again', { ...who, temporal }, undefined, retryAfter);
  }
  if (/total update|history (size|count)|too many|limit/i.test(temporal)) {
    return new ApiError(409, 'order_limit_reached', `${order} has reached a Temporal limit and takes no more requests of this kind`, { ...who, temporal });
  }
  return new ApiError(409, 'order_conflict', 'Temporal refused the request in the order\'s current state', { ...who, temporal });
}
