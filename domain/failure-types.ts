/**
 * ApplicationFailure types shared by the activities and the order workflow. Pure constants:
 * safe to import from workflow code and from the API (to map failures onto HTTP answers).
 */
/** The order itself is invalid (unknown SKU, no active warehouse, incomplete address): ends `rejected`. */
export const ORDER_INVALID = 'OrderInvalid';
/** An event's payload is malformed (missing reason, carrier or tracking number). */
export const INVALID_EVENT = 'InvalidEvent';
/** The warehouse reported that the pick cannot be done. */
export const PICK_FAILED = 'PickFailed';
/** An event names no fulfillment while the order has several active ones (HTTP 422 fulfillment_required). */
export const FULFILLMENT_REQUIRED = 'FulfillmentRequired';
/** An event names a fulfillment the order does not have (HTTP 404/422). */
export const UNKNOWN_FULFILLMENT = 'UnknownFulfillment';
/** A hold id the order does not have (HTTP 404). */
export const UNKNOWN_HOLD = 'UnknownHold';
/** An order has had MAX_HOLDS_PER_ORDER holds (HTTP 409 too_many_holds, docs/design.md §20). */
export const TOO_MANY_HOLDS = 'TooManyHolds';
/** An edit's body is malformed (empty lines, bad quantity) (HTTP 400/422). */
export const INVALID_EDIT = 'InvalidEdit';
/** A deadline of docs/design.md §5 passed (recorded in lastError when the order parks in needs_attention). */
export const DELIVERY_TIMEOUT = 'DeliveryTimeout';
/** An adapter (warehouse or carrier) refused a request for good. */
export const ADAPTER_REJECTED = 'AdapterRejected';

/** LedgerError codes: business errors, never worth retrying. */
export const LEDGER_ERROR_CODES = [
  'UNKNOWN_SKU',
  'UNKNOWN_WAREHOUSE',
  'NO_ACTIVE_WAREHOUSE',
  'INSUFFICIENT_STOCK',
  'INVALID_QUANTITY',
  'IDEMPOTENCY_CONFLICT',
  /** The balance would pass the column's integer range: a well-formed request the stock cannot take. */
  'LEVEL_OUT_OF_RANGE',
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** Failure types an activity retry policy must not retry. */
export const NON_RETRYABLE_TYPES: readonly string[] = [ORDER_INVALID, INVALID_EVENT, ADAPTER_REJECTED, ...LEDGER_ERROR_CODES];
