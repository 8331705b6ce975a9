/** Temporal client errors by what they mean: the gRPC code behind one, however deeply the SDK wrapped it. */
import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

const GRPC_CANCELLED = 1;
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

/** The gRPC status code of `err` or of one of its causes (the SDK wraps them a few levels deep). */
export function grpcCodeOf(err: unknown): number | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur; depth++) {
    if (isGrpcServiceError(cur)) return cur.code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isGrpcDeadline = (err: unknown): boolean => grpcCodeOf(err) === GRPC_DEADLINE_EXCEEDED;
export const isGrpcUnavailable = (err: unknown): boolean => grpcCodeOf(err) === GRPC_UNAVAILABLE;
export const isGrpcInvalidArgument = (err: unknown): boolean => isGrpcServiceError(err) && err.code === GRPC_INVALID_ARGUMENT;

/**
 * An Update accepted in the same workflow task as a racing event is aborted with that task
 * ("unexpected workflow task failure") and never took effect: the caller may send it again.
 */
export const isAbortedWithWorkflowTask = (err: unknown): boolean =>
  grpcCodeOf(err) === GRPC_FAILED_PRECONDITION &&
  /workflow task failure/i.test(String((err as Error)?.message ?? err) + String((err as { cause?: Error })?.cause?.message ?? ''));

/** Temporal's frontend cannot be reached, or did not answer in time. */
export function isTemporalUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = grpcCodeOf(err);
  if (code !== undefined) return [GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED, GRPC_RESOURCE_EXHAUSTED, GRPC_CANCELLED].includes(code);
  return err instanceof ServiceError && /Failed to connect|connect ECONNREFUSED|No connection established/i.test(err.message);
}
