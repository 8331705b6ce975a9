/** Refusals of the order records that the API turns into HTTP answers. */

/** An Idempotency-Key already names another order. */
export class IdempotencyKeyConflictError extends Error {
  constructor(
    readonly key: string,
    readonly orderId: string,
  ) {
    super(`Idempotency-Key ${key} already names order ${orderId}`);
    this.name = 'IdempotencyKeyConflictError';
  }
}
