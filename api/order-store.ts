/**
 * Orders as records (docs/design.md §9): the intake that makes an order id the order's for ever, and
 * the reads that answer from Postgres — for closed orders whose workflow Temporal no longer
 * keeps, and with no worker running. The running saga stays in Temporal (order-gateway.ts).
 */
import { IdempotencyKeyConflictError, InvalidCursorError, type OrderRecord, type OrderRecordFilters, type OrderRecords } from '../orders';
import { initialView } from '../domain/initial-view';
import { orderWorkflowId, type OrderInput, type OrderStatus, type OrderView } from '../domain/types';
import { isTerminal } from '../domain/order-rules';
import { ApiError, invalidCursor, notFound } from './errors';
import type { OrderLinks, OrderSummary } from './order-summary';
import type { OrderGateway } from './order-gateway';

export interface OrderStoreDeps {
  records: OrderRecords;
  gateway: OrderGateway;
  /** The promise date of a backordered order (docs/design.md §15); undefined: none computed yet. */
  promiseOf?: (orderId: string) => Promise<string | null | undefined>;
}

export class OrderStore {
  constructor(private readonly deps: OrderStoreDeps) {}

  links(orderId: string, runId?: string): OrderLinks {
    const links = this.deps.gateway.links(orderId);
    return runId ? { ...links, temporalUi: `${links.temporalUi}/${encodeURIComponent(runId)}` } : links;
  }

  /**
   * The record decides: a new id is written before its workflow starts, so a duplicate POST never
   * makes two; a known id with the same body is the same order (200), with another body 409; and
   * a workflow is started only for a record that has no run yet (its first start was lost), so an
   * order whose workflow Temporal dropped long ago is never run twice.
   */
  async accept(input: OrderInput, requestHash: string, idempotencyKey?: string, at: Date = new Date()): Promise<{ created: boolean; status: OrderStatus }> {
    const { records, gateway } = this.deps;
    const { created, record } = await records
      .accept({
        orderId: input.orderId,
        requestHash,
        view: initialView(input, at.toISOString()),
        workflowId: orderWorkflowId(input.orderId),
        idempotencyKey,
      })
      .catch((err: unknown) => {
        if (err instanceof IdempotencyKeyConflictError) {
          throw new ApiError(409, 'idempotency_conflict', `Idempotency-Key ${err.key} was used for another order`, { idempotencyKey: err.key, orderId: err.orderId });
        }
        throw err;
      });
    if (!created && record.requestHash !== undefined && record.requestHash !== requestHash) {
      throw new ApiError(409, 'order_conflict', `Order ${input.orderId} already exists with a different request body`, { orderId: input.orderId });
    }
    if (record.runId === undefined) {
      const { runId } = await gateway.startOnce(input, requestHash);
      if (runId) await records.setRun(input.orderId, runId);
    }
    return { created, status: record.view.status };
  }

  async view(orderId: string): Promise<OrderView & { links: OrderLinks; promisedAt?: string | null }> {
    const record = await this.deps.records.get(orderId);
    if (!record) throw notFound(`Order ${orderId}`, { orderId });
    const view = this.withLinks(record);
    if (!this.deps.promiseOf || view.backordered.length === 0 || isTerminal(view.status)) return view;
    return { ...view, promisedAt: (await this.deps.promiseOf(orderId)) ?? null };
  }

  /** The record as it stands, or undefined for an id never accepted. */
  record(orderId: string): Promise<OrderRecord | undefined> {
    return this.deps.records.get(orderId);
  }

  withLinks(record: OrderRecord): OrderView & { links: OrderLinks } {
    return { ...record.view, returns: record.view.returns ?? [], links: this.links(record.orderId, record.runId) };
  }

  async list(filters: OrderRecordFilters, limit: number, cursor?: string): Promise<{ orders: OrderSummary[]; nextCursor?: string }> {
    try {
      const page = await this.deps.records.list(filters, { limit, cursor });
      const orders = page.orders.map((r) => this.summary(r));
      return page.nextCursor ? { orders, nextCursor: page.nextCursor } : { orders };
    } catch (err) {
      if (err instanceof InvalidCursorError) throw invalidCursor();
      throw err;
    }
  }

  private summary(r: OrderRecord): OrderSummary {
    const v = r.view;
    const closed = isTerminal(v.status);
    const warehouses = new Set([...v.allocations.map((a) => a.warehouseId), ...v.fulfillments.map((f) => f.warehouseId)]);
    return {
      orderId: r.orderId,
      status: v.status,
      customerId: v.customer.id,
      channel: v.channel,
      skus: [...new Set(v.lines.map((l) => l.sku))].sort(),
      warehouseIds: [...warehouses].sort(),
      workflowStatus: closed ? 'CLOSED' : 'RUNNING',
      startedAt: r.createdAt.toISOString(),
      ...(closed ? { closedAt: r.updatedAt.toISOString() } : {}),
      ...(v.shipBy ? { shipBy: v.shipBy } : {}),
      ...(v.late ? { late: true } : {}),
      links: this.links(r.orderId, r.runId),
    };
  }
}
