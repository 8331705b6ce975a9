/**
 * The most units one order line may ask for. The API's schemas (api/order-schemas.ts,
 * api/return-schemas.ts), the ceiling of MAX_UNITS_PER_LINE and the ledger's line check all
 * use this constant, so a request the API accepts is never refused by the ledger for its size.
 */
export const MAX_LINE_QUANTITY = 100_000;

/**
 * The ledger's own bound, not a line's (that is MAX_LINE_QUANTITY). Columns are int4; a
 * balance change (receipt, adjustment) or the merged total of one SKU's lines stays far
 * enough below 2^31 that sums of a few cannot overflow.
 */
export const MAX_LEDGER_QUANTITY = 1_000_000_000;
