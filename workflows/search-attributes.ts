import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const ChannelKey = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const SkusKey = defineSearchAttributeKey('Skus', SearchAttributeType.KEYWORD_LIST);
export const WarehouseIdsKey = defineSearchAttributeKey('WarehouseIds', SearchAttributeType.KEYWORD_LIST);
export const HoldReasonsKey = defineSearchAttributeKey('HoldReasons', SearchAttributeType.KEYWORD_LIST);
/** When the order must have shipped (docs/design.md §17); set at start, it never changes. */
export const ShipByKey = defineSearchAttributeKey('ShipBy', SearchAttributeType.DATETIME);
/** Set by return workflows only (authorized, received, expired). */
export const ReturnStatusKey = defineSearchAttributeKey('ReturnStatus', SearchAttributeType.KEYWORD);
/** Set by purchase-order workflows only (docs/design.md §15). */
export const PurchaseOrderStatusKey = defineSearchAttributeKey('PurchaseOrderStatus', SearchAttributeType.KEYWORD);
/** Set by transfer workflows only (docs/design.md §15). */
export const TransferStatusKey = defineSearchAttributeKey('TransferStatus', SearchAttributeType.KEYWORD);

export { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
/** A keyword attribute's key (the SDK exports the factory, not the key's type). */
export type KeywordKey = typeof OrderStatusKey;
