/**
 * The shapes the console reads: the API's own, from the types generated from /openapi.json
 * (api-types.ts, written by scripts/api-types.js at every build), under the names the console
 * uses; and the few runtime lists a form or a filter needs, checked against those types so a
 * value the API adds or drops fails the console's type check.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type OrderView = Schemas['Order'];
export type OrderSummary = Schemas['OrderSummary'];
export type OrderList = Schemas['OrderList'];
export type OrderStatus = OrderView['status'];
export type Line = Schemas['OrderLine'];
export type Fulfillment = Schemas['Fulfillment'];
export type Shipment = Schemas['Shipment'];
export type Hold = Schemas['Hold'];
export type HoldReason = Hold['reason'];
/** Who placed or released a hold: role, scope, key fingerprint (docs/access-control.md). */
export type Actor = Schemas['Actor'];
/** A return as the order's record holds it (docs/design.md §13, the contract's `Return`). */
export type OrderReturn = Schemas['Return'];
export type InspectedLine = Schemas['InspectedLine'];
export type Disposition = InspectedLine['disposition'];
export type Warehouse = Schemas['Warehouse'];
export type Address = Schemas['ShippingAddress'];
export type SkuLevels = Schemas['SkuLevels'];
export type Movement = Schemas['Movement'];
export type Alert = Schemas['ReorderAlertList']['alerts'][number];
export type Role = Schemas['WhoAmI']['role'];

/**
 * A list of every member of union U, in the order written: a missing or unknown member is a
 * type error. (`[U] extends [L[number]]` holds only when the list covers the union.)
 */
const every =
  <U extends string>() =>
  <const L extends readonly U[]>(list: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> })): L =>
    list;

export const ORDER_STATUSES = every<OrderStatus>()([
  'received', 'awaiting_stock', 'reserved', 'on_hold', 'picking', 'packing', 'shipping', 'shipped',
  'needs_attention', 'delivered', 'rejected', 'cancelled', 'timed_out',
]);
/** The one list of terminal statuses (domain/order-rules.ts), shared with the server. */
export { TERMINAL_STATUSES as TERMINAL } from '../../domain/order-rules';

export const HOLD_REASONS = every<HoldReason>()(['fraud_check', 'address_verification', 'payment', 'customer_request', 'inventory', 'other']);

export const RETURN_DISPOSITIONS = every<Disposition>()(['restock', 'damaged']);

/** Purchase orders and transfers (docs/design.md §15). */
export type PurchaseOrder = Schemas['PurchaseOrder'];
export type PurchaseOrderList = Schemas['PurchaseOrderList'];
export type Transfer = Schemas['Transfer'];
export type TransferList = Schemas['TransferList'];
export type DocHistory = PurchaseOrder['history'][number];
/** What is on its way to a warehouse, by date (GET /inventory/:sku `supply`). */
export type Supply = SkuLevels['supply'][number];
