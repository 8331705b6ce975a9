/** api/temporal-limits.ts: Temporal's limit refusals as HTTP answers. Pure: errors shaped as the SDK's gRPC errors. */
import { ServiceError } from '@temporalio/client';
import { toApiError } from '../api/errors';
import { temporalLimitError } from '../api/temporal-limits';

function grpcError(code: number, details: string): Error {
  const err = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  // As the client throws it: wrapped in a ServiceError.
  return new ServiceError('Failed to issue workflow update', { cause: err });
}

describe('temporalLimitError', () => {
  it('too many in-flight Updates → 429 too_many_updates with Retry-After', () => {
    const e = temporalLimitError(grpcError(8, 'limit on number of concurrent in-flight updates has been reached (10)'), 'o-1')!;
    expect([e.status, e.code, e.headers?.['Retry-After']]).toEqual([429, 'too_many_updates', '1']);
    expect(e.details).toMatchObject({ orderId: 'o-1', temporal: expect.stringContaining('in-flight') });
  });
  it('a rate limit → 429; an overloaded cluster → 503', () => {
    expect(temporalLimitError(grpcError(8, 'namespace rate limit exceeded'))?.status).toBe(429);
    expect(temporalLimitError(grpcError(8, 'system overloaded'))?.status).toBe(503);
  });
  it('the lifetime Update cap or a history limit → 409 order_limit_reached', () => {
    expect(temporalLimitError(grpcError(9, 'limit on number of total updates has been reached (2000)'), 'o-1')?.code).toBe('order_limit_reached');
    expect(temporalLimitError(grpcError(9, 'history size exceeds limit'))?.status).toBe(409);
  });
  it('an Update aborted with a racing workflow task → 503 (it never applied; send it again)', () => {
    expect(temporalLimitError(grpcError(9, 'unexpected workflow task failure'))?.status).toBe(503);
  });
  it("an Update refused while the order's workflow task is failing (the server retries it) → 503 with Retry-After, not 409", () => {
    const e = temporalLimitError(grpcError(9, 'Workflow Task in failed state, cannot accept Update.'), 'o-1')!;
    expect([e.status, e.code, e.headers?.['Retry-After']]).toEqual([503, 'service_unavailable', '1']);
  });
  it('other gRPC codes are not limits; toApiError never answers them 500 when they are', () => {
    expect(temporalLimitError(grpcError(14, 'unavailable'))).toBeUndefined();
    expect(toApiError(grpcError(8, 'anything')).status).toBe(429);
    expect(toApiError(grpcError(9, 'anything')).status).toBe(409);
  });
});
