import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const ChannelKey = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const SkusKey = defineSearchAttributeKey('Skus', SearchAttributeType.KEYWORD_LIST);
export const WarehouseIdsKey = defineSearchAttributeKey('WarehouseIds', SearchAttributeType.KEYWORD_LIST);
export const HoldReasonsKey = defineSearchAttributeKey('HoldReasons', SearchAttributeType.KEYWORD_LIST);
/** Set by return workflows only (authorized, received, expired). */
export const ReturnStatusKey = defineSearchAttributeKey('ReturnStatus', SearchAttributeType.KEYWORD);

export { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
