/** POST /orders/:orderId/edits: replace lines, address or method before picking (docs/design.md §5 "Edits"). */
import type { KitBook } from '../../domain/kit';
import { ApiError } from '../api-error';
import { shownTo } from '../personal-data';
import type { UnitLimits } from '../../config/config';
import { idempotencyKeyOf } from '../ids';
import { checkUnitLimits, unitLimitsDoc } from '../unit-limits';
import type { OrderGateway } from '../order-gateway';
import { defineRoute, type AnyRoute } from '../route';
import { UPDATE_LIMIT_409, UPDATE_LIMIT_RESPONSES } from '../update-limits-doc';
import { editBodySchema, orderIdParamsSchema, orderViewSchema } from '../schemas';

export function editRoutes(deps: { gateway: OrderGateway; limits: UnitLimits; kits?: (skus: string[]) => Promise<KitBook> }): AnyRoute[] {
  const { gateway, limits } = deps;
  const editOrder = defineRoute({
    method: 'post',
    path: '/orders/:orderId/edits',
    operationId: 'editOrder',
    tag: 'orders',
    summary: 'Edit an order before picking',
    description:
      'Executes the `edit` Update: `lines` replaces the order\'s lines (a lowered quantity or a removed line is a partial cancel), and/or the shipping address or method. ' +
      'The ledger applies only the difference. Accepted in received, awaiting_stock, reserved and on_hold; refused (409) once a pick task is open or the order is closed. ' +
      unitLimitsDoc(limits),
    access: 'order.edit',
    params: orderIdParamsSchema,
    body: editBodySchema,
    idempotencyKey: 'Names the edit: a re-sent request with the same key is applied once.',
    responses: {
      200: { description: 'The order with the edit applied', schema: orderViewSchema },
      404: { description: 'No such order' },
      409: { description: 'A pick task is open, or the order is closed (error `invalid_transition`, the current status in `status` and `details.status`)' + UPDATE_LIMIT_409 },
      ...UPDATE_LIMIT_RESPONSES,
      422: { description: 'A line names a SKU not in the catalog (`unknown_sku`), a kit (`kit_edit_unsupported`), or the workflow found the edit malformed (`invalid_edit`)' },
    },
    async handler({ params, body, req, log, principal }) {
      checkUnitLimits(body.lines, limits);
      // An edit replaces lines in the ledger SKU by SKU: it cannot place a kit's units whole
      // (docs/design.md §18). Removing a kit line, or editing the other lines, is fine.
      const kitSkus = body.lines && deps.kits ? Object.keys(await deps.kits(body.lines.map((l) => l.sku))) : [];
      if (kitSkus.length > 0) {
        const index = body.lines!.findIndex((l) => l.sku === kitSkus[0]);
        throw new ApiError(422, 'kit_edit_unsupported', `an edit cannot add or change kit lines (${kitSkus.join(', ')}): cancel and order again`, { field: `lines.${index}.sku`, skus: kitSkus });
      }
      const key = idempotencyKeyOf(req);
      const view = await gateway.edit(params.orderId, body, key === undefined ? undefined : `edit-${key}`);
      log.info('order edited', { orderId: params.orderId, status: view.status, edits: view.edits });
      return { status: 200, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });
  return [editOrder] as AnyRoute[];
}
