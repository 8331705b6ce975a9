/** Purchase orders (docs/design.md §15): open, read, receive, move the date, close, cancel. */
import { authorize } from '../access';
import { ADMIN, READ } from '../auth';
import { idempotencyKeyOf } from '../ids';
import type { PurchaseOrderService } from '../purchase-order-service';
import { defineRoute, type AnyRoute } from '../route';
import {
  movePurchaseOrderBodySchema,
  openPurchaseOrderBodySchema,
  purchaseOrderListQuerySchema,
  purchaseOrderListSchema,
  purchaseOrderParamsSchema,
  purchaseOrderReceiptBodySchema,
  purchaseOrderSchema,
  reasonBodySchema,
} from '../stock-motion-schemas';

const notOpen = { description: 'The PO is received, closed or cancelled (`invalid_transition`, its status in `details.status`)' };

export function purchaseOrderRoutes(deps: { purchaseOrders: PurchaseOrderService }): AnyRoute[] {
  const { purchaseOrders } = deps;

  const open = defineRoute({
    method: 'post',
    path: '/purchase-orders',
    operationId: 'openPurchaseOrder',
    tag: 'purchase orders',
    summary: 'Open a purchase order',
    description: "Its quantities become **incoming** at the warehouse until received, closed or cancelled; its workflow `purchase-order-<id>` watches the expected date. Same id (or Idempotency-Key) and body → 200 the PO; other body → 409.",
    access: ADMIN,
    body: openPurchaseOrderBodySchema,
    idempotencyKey: 'The PO id is derived from it when the body names none.',
    responses: {
      201: { description: 'The PO, open', schema: purchaseOrderSchema },
      200: { description: 'A repeat: the PO as it stands', schema: purchaseOrderSchema },
      409: { description: 'The id names a PO with another body (`idempotency_conflict`)' },
      422: { description: 'Unknown warehouse or SKU (`unknown_warehouse`, `unknown_sku`)' },
    },
    async handler({ body, req, log }) {
      const { created, po } = await purchaseOrders.open(body, idempotencyKeyOf(req));
      if (created) log.info('purchase order opened', { purchaseOrderId: po.purchaseOrderId });
      return { status: created ? 201 : 200, headers: { Location: `/purchase-orders/${encodeURIComponent(po.purchaseOrderId)}` }, body: po };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/purchase-orders',
    operationId: 'listPurchaseOrders',
    tag: 'purchase orders',
    summary: 'Purchase orders, newest first',
    access: READ,
    query: purchaseOrderListQuerySchema,
    responses: { 200: { description: 'One page', schema: purchaseOrderListSchema } },
    async handler({ query }) {
      const { limit, cursor, ...filters } = query;
      return { status: 200, body: await purchaseOrders.list(filters, { limit, cursor }) };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/purchase-orders/:purchaseOrderId',
    operationId: 'getPurchaseOrder',
    tag: 'purchase orders',
    summary: 'A purchase order',
    description: 'From its record: answers also after its workflow has left Temporal.',
    access: READ,
    params: purchaseOrderParamsSchema,
    responses: { 200: { description: 'The PO', schema: purchaseOrderSchema }, 404: { description: 'No such PO' } },
    async handler({ params }) {
      return { status: 200, body: await purchaseOrders.get(params.purchaseOrderId) };
    },
  });

  const receive = defineRoute({
    method: 'post',
    path: '/purchase-orders/:purchaseOrderId/receipts',
    operationId: 'receivePurchaseOrder',
    tag: 'purchase orders',
    summary: 'Units of the PO arrived',
    description:
      'On hand +q at the PO\'s warehouse (`receipt` movements keyed `po:<id>:receipt:<receiptId>:<warehouse>:<sku>`, reason naming the PO and the receipt), incoming −q; orders awaiting the SKUs are woken. ' +
      'The same `receiptId` and lines again → 200, nothing moves.',
    access: 'purchase_order.receive',
    params: purchaseOrderParamsSchema,
    body: purchaseOrderReceiptBodySchema,
    responses: {
      200: { description: 'The PO', schema: purchaseOrderSchema },
      404: { description: 'No such PO' },
      409: { description: `The receiptId was used with other lines (\`receipt_conflict\`); or ${notOpen.description}` },
      422: { description: 'A line beyond its outstanding units or a SKU not on the PO (`over_receipt`, `details.lines`); nothing applied' },
    },
    async handler({ params, body, principal }) {
      // A warehouse key receives at its own warehouse only (docs/design.md §20); unscoped keys need no read.
      if (principal.scope !== undefined) authorize(principal, 'purchase_order.receive', { warehouseId: (await purchaseOrders.get(params.purchaseOrderId)).warehouseId });
      return { status: 200, body: await purchaseOrders.receive(params.purchaseOrderId, body) };
    },
  });

  const move = defineRoute({
    method: 'patch',
    path: '/purchase-orders/:purchaseOrderId',
    operationId: 'movePurchaseOrderDate',
    tag: 'purchase orders',
    summary: 'The supplier moved the date',
    description: '`late` turns false; the PO is late again if the new date passes with units outstanding.',
    access: ADMIN,
    params: purchaseOrderParamsSchema,
    body: movePurchaseOrderBodySchema,
    responses: { 200: { description: 'The PO', schema: purchaseOrderSchema }, 404: { description: 'No such PO' }, 409: notOpen },
    async handler({ params, body }) {
      return { status: 200, body: await purchaseOrders.moveDate(params.purchaseOrderId, body.expectedAt) };
    },
  });

  const close = defineRoute({
    method: 'post',
    path: '/purchase-orders/:purchaseOrderId/close',
    operationId: 'closePurchaseOrder',
    tag: 'purchase orders',
    summary: 'Stop waiting for the rest',
    description: '`closed_short` (`received` when nothing was outstanding); the rest stops being incoming.',
    access: ADMIN,
    params: purchaseOrderParamsSchema,
    body: reasonBodySchema,
    responses: { 200: { description: 'The PO', schema: purchaseOrderSchema }, 404: { description: 'No such PO' }, 409: notOpen },
    async handler({ params, body }) {
      return { status: 200, body: await purchaseOrders.close(params.purchaseOrderId, body.reason) };
    },
  });

  const cancel = defineRoute({
    method: 'post',
    path: '/purchase-orders/:purchaseOrderId/cancel',
    operationId: 'cancelPurchaseOrder',
    tag: 'purchase orders',
    summary: 'Nothing came and nothing will',
    access: ADMIN,
    params: purchaseOrderParamsSchema,
    body: reasonBodySchema,
    responses: { 200: { description: 'The PO, cancelled', schema: purchaseOrderSchema }, 404: { description: 'No such PO' }, 409: { description: 'Something was received, or the PO is closed (`invalid_transition`)' } },
    async handler({ params, body }) {
      return { status: 200, body: await purchaseOrders.cancel(params.purchaseOrderId, body.reason) };
    },
  });

  return [open, list, get, receive, move, close, cancel] as AnyRoute[];
}
