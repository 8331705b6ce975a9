/**
 * The most units one order line may ask for. The API validates against this same
 * constant, so a request it accepts is never refused by the ledger for its size.
 */
export const MAX_LINE_QUANTITY = 100_000;

/**
 * Columns are int4; a balance change (receipt, adjustment) or the merged total of one
 * SKU's lines stays far enough below 2^31 that sums of a few cannot overflow.
 */
export const MAX_QUANTITY = 1_000_000_000;
