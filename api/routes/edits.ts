/** POST /orders/:orderId/edits: replace lines, address or method before picking (docs/design.md §5 "Edits"). */
import { shownTo } from '../personal-data';
import type { UnitLimits } from '../../config/config';
import { idempotencyKeyOf } from '../ids';
import { checkUnitLimits, unitLimitsDoc } from '../unit-limits';
import type { OrderGateway } from '../order-gateway';
import { defineRoute, type AnyRoute } from '../route';
import { UPDATE_LIMIT_409, UPDATE_LIMIT_RESPONSES } from '../update-limits-doc';
import { editBodySchema, orderIdParamsSchema, orderViewSchema } from '../schemas';

export function editRoutes(deps: { gateway: OrderGateway; limits: UnitLimits }): AnyRoute[] {
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
      422: { description: 'A line names a SKU not in the catalog (`unknown_sku`), or the workflow found the edit malformed (`invalid_edit`)' },
    },
    async handler({ params, body, req, log, principal }) {
      checkUnitLimits(body.lines, limits);
      const key = idempotencyKeyOf(req);
      const view = await gateway.edit(params.orderId, body, key === undefined ? undefined : `edit-${key}`);
      log.info('order edited', { orderId: params.orderId, status: view.status, edits: view.edits });
      return { status: 200, body: shownTo(principal, { ...view, links: gateway.links(params.orderId) }) };
    },
  });
  return [editOrder] as AnyRoute[];
}
