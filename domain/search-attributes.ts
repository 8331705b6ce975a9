/**
 * The searchable facts of orders, returns, purchase orders and transfers in Temporal visibility, by name: the dev server
 * and the operator service register them (platform/), the workflows set them through typed
 * keys (workflows/search-attributes.ts).
 */
/** name → type as the Temporal CLI's --search-attribute flag and the operator service expect. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'KeywordList' | 'Datetime'> = {
  OrderStatus: 'Keyword',
  CustomerId: 'Keyword',
  Channel: 'Keyword',
  Skus: 'KeywordList',
  WarehouseIds: 'KeywordList',
  HoldReasons: 'KeywordList',
  ReturnStatus: 'Keyword',
  PurchaseOrderStatus: 'Keyword',
  TransferStatus: 'Keyword',
  ShipBy: 'Datetime',
};
