import { ApplicationFailure } from '@temporalio/common';
import { Context, log } from '@temporalio/activity';
import type { AmendResult, Allocation, KitDemand, Ledger, OrderLine, ReserveResult, SourcingOptions } from '../ledger/types';
import { sharedComponents, type KitBook } from '../domain/kit';
import type { OrderInput, OrderView, ShippingAddress } from '../domain/types';
import { ORDER_INVALID } from '../domain/failure-types';
import { deliveredView } from '../domain/delivered-view';
import type { CarrierAdapter, Completion, Label, LabelRequest, PickTaskRequest, WaitContext, WarehouseAdapter } from './adapters/types';
import { mapErrors } from './errors';
import { recordReservation } from './ledger-metrics';

export interface ActivityDeps {
  ledger: Ledger;
  warehouse: WarehouseAdapter;
  carrier: CarrierAdapter;
  /** The order records (docs/design.md §9): activities write the view the workflow hands them. */
  records?: RecordWriter;
  /** How long a request to a peer may take before the view it carries is written anyway (default QUICK_ANSWER_MS). */
  quickAnswerMs?: number;
  /** Told which SKUs had units released, so orders awaiting them re-check (returns at once). */
  wakeStock?: (skus: string[]) => void;
}

/**
 * A request to a peer that answered within this long was no rest for the order: the view it
 * carried is left to the next call's write (createActivities, carryingUnlessQuick).
 */
export const QUICK_ANSWER_MS = 250;

/** Writes an order's view to its record unless a newer version is stored. */
export interface RecordWriter {
  save(view: OrderView, meta: { version: number; runId?: string }): Promise<unknown>;
}

/** The view a workflow hands an activity to write first (workflows/order/record.ts). */
interface Carried {
  record?: { view: OrderView; version: number };
}

/** A view the workflow asks the activity to write once the activity's own change happened (workflows/order/fulfillment/branch.ts). */
interface ActivityWrite {
  version: number;
  /** Left out when the call carries the view as its record. */
  view?: OrderView;
}

/** Where a fulfillment's call goes and what it is about. */
interface FulfillmentRef extends Carried {
  orderId: string;
  fulfillmentId?: string;
  warehouseId?: string;
}


const ADDRESS_FIELDS = ['name', 'line1', 'city', 'postalCode', 'country'] as const;

/** Reasons an order cannot be fulfilled, empty when it can. Pure: unit-testable. */
export function orderProblems(input: OrderInput, unknownSkus: string[], activeWarehouses: number): string[] {
  const problems: string[] = [];
  if (!input.customer?.id) problems.push('customer id is missing');
  if (!input.channel) problems.push('channel is missing');
  if (!Array.isArray(input.lines) || input.lines.length === 0) problems.push('the order has no lines');
  for (const line of input.lines ?? []) {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) problems.push(`line ${line.sku}: quantity must be a positive integer`);
  }
  if (unknownSkus.length > 0) problems.push(`unknown SKU${unknownSkus.length > 1 ? 's' : ''}: ${unknownSkus.join(', ')}`);
  if (activeWarehouses === 0) problems.push('no active warehouse');
  const address = (input.shippingAddress ?? {}) as Partial<ShippingAddress>;
  const missing = ADDRESS_FIELDS.filter((f) => typeof address[f] !== 'string' || address[f]!.trim() === '');
  if (missing.length > 0) problems.push(`shipping address incomplete: ${missing.join(', ')} missing`);
  else if (!/^[A-Z]{2}$/.test(address.country!)) problems.push(`shipping address country "${address.country}" is not an ISO 3166 alpha-2 code`);
  return problems;
}

/**
 * Sleeps in slices, heartbeating before each, so a cancel reaches the activity quickly. A
 * wait with nothing left to wait (SIMULATED_DELAY=0) sends no heartbeat: each is an RPC and a
 * write on the server.
 */
function heartbeatingWait(): WaitContext {
  const ctx = Context.current();
  return {
    async sleep(ms: number) {
      const end = Date.now() + ms;
      for (;;) {
        const left = end - Date.now();
        if (left <= 0) return;
        ctx.heartbeat();
        await ctx.sleep(Math.min(left, 1_000));
      }
    },
  };
}

/**
 * The order workflow's activities, built from injected dependencies (no env, no globals).
 * Every ledger write carries the idempotency key the workflow derived from the order and
 * the step; business errors come out as non-retryable ApplicationFailures (see errors.ts).
 */
export function createActivities(deps: ActivityDeps) {
  const { ledger, warehouse, carrier } = deps;
  const saveCarried = async (req: Carried) => {
    if (!req.record || !deps.records) return;
    const { view, version } = req.record;
    await deps.records.save(view, { version, runId: Context.current().info.workflowExecution?.runId });
  };
  /** Writes the carried view first: the record never runs ahead of the step that follows it. */
  const carrying =
    <R extends Carried, T>(fn: (req: R) => Promise<T>) =>
    async (req: R): Promise<T> => {
      await saveCarried(req);
      return fn(req);
    };
  /**
   * For a request to a peer that answers in moments (the label purchase): the
   * order does not rest on it, and its answer brings the next view, which the next call carries —
   * one write per resting status, not one per call (issue #26). The carried view is written only
   * when the order does rest on the request: if no answer came within QUICK_ANSWER_MS (a slow or
   * hanging peer), or before a failure is reported (the order waits for the retry). The record
   * only ever lags: the view written late is older than anything the peer was told.
   */
  const carryingUnlessQuick =
    <R extends Carried, T>(fn: (req: R) => Promise<T>) =>
    async (req: R): Promise<T> => {
      if (!req.record || !deps.records) return fn(req);
      let saving: Promise<void> | undefined;
      const save = () => {
        saving ??= saveCarried(req);
        // Awaited below; handled now so a failed write during the request is no unhandled rejection.
        saving.catch(() => undefined);
      };
      const timer = setTimeout(save, deps.quickAnswerMs ?? QUICK_ANSWER_MS);
      try {
        return await fn(req);
      } catch (err) {
        save();
        throw err;
      } finally {
        clearTimeout(timer);
        await saving;
      }
    };
  const commit = (ref: FulfillmentRef, key: string) => mapErrors(() => ledger.ship(ref.orderId, key, ref.warehouseId ? { warehouseId: ref.warehouseId } : undefined));
  const woke = (allocations: Allocation[]) => {
    if (allocations.length > 0 && deps.wakeStock) deps.wakeStock([...new Set(allocations.map((a) => a.sku))]);
  };

  return {
    /**
     * Also snapshots the order's kits (docs/design.md §18): their components as of now, which
     * the order keeps whatever the catalog says later. Nothing when the order has no kit.
     */
    async validateOrder(input: OrderInput): Promise<{ kits?: KitBook } | void> {
      const skus = [...new Set((input.lines ?? []).map((l) => l.sku))];
      const facts = await mapErrors(() => ledger.catalogFacts(skus));
      const problems = orderProblems(input, facts.unknownSkus, facts.activeWarehouses);
      const kits = facts.kits ?? {};
      const shared = sharedComponents(input.lines ?? [], kits);
      if (shared.length > 0) problems.push(`kit components ordered more than once (as a kit and on their own, or in two kits): ${shared.join(', ')}`);
      if (problems.length > 0) {
        throw ApplicationFailure.create({ type: ORDER_INVALID, message: problems.join('; '), details: [{ problems }], nonRetryable: true });
      }
      return Object.keys(kits).length > 0 ? { kits } : undefined;
    },

    async reserveStock(req: { orderId: string; lines: OrderLine[]; key: string; kits?: KitDemand[] } & SourcingOptions): Promise<ReserveResult> {
      const started = performance.now();
      const result = await mapErrors(() => ledger.reserve(req.orderId, req.lines, req.key, { sourcing: req.sourcing, country: req.country, shipBy: req.shipBy, ...(req.kits ? { kits: req.kits } : {}) }));
      recordReservation(Context.current().metricMeter, (performance.now() - started) / 1000, result.backordered.length > 0);
      return result;
    },

    /** Tries again to hold backordered units, never at the warehouses that rejected the order. */
    async reserveMoreStock(req: { orderId: string; key: string; exclude?: string[]; kits?: KitDemand[] } & SourcingOptions): Promise<ReserveResult> {
      return mapErrors(() => ledger.reserveMore(req.orderId, req.key, { exclude: req.exclude ?? [], sourcing: req.sourcing, country: req.country, shipBy: req.shipBy, ...(req.kits ? { kits: req.kits } : {}) }));
    },

    /** An edit: the ledger applies only the difference between the held position and the new lines. */
    async amendOrder(req: { orderId: string; lines: OrderLine[]; key: string; exclude?: string[] }): Promise<AmendResult> {
      const result = await mapErrors(() => ledger.amend(req.orderId, req.lines, req.key, { exclude: req.exclude ?? [] }));
      woke(result.released);
      return result;
    },

    /** Held units back to available: all of the order's, or one warehouse's (a rejected fulfillment). */
    async releaseStock(req: { orderId: string; key: string; warehouseId?: string }): Promise<{ released: Allocation[] }> {
      const result = await mapErrors(() => ledger.release(req.orderId, req.key, req.warehouseId ? { warehouseId: req.warehouseId } : undefined));
      if (result.released.length > 0) log.info('released held stock', { orderId: req.orderId, warehouseId: req.warehouseId, released: result.released });
      woke(result.released);
      return result;
    },

    /** Held → shipped at the fulfillment's warehouse: the units leave the books. */
    commitStock: carrying(async (req: FulfillmentRef & { key: string }): Promise<{ shipped: Allocation[] }> => commit(req, req.key)),

    /** Compensation for committed stock of a fulfillment cancelled before the carrier took it. */
    async restockOrder(req: { orderId: string; lines: OrderLine[]; key: string; warehouseId?: string }): Promise<{ restocked: Allocation[] }> {
      const result = await mapErrors(() => ledger.restock(req.orderId, req.lines, req.key, req.warehouseId ? { warehouseId: req.warehouseId } : undefined));
      woke(result.restocked);
      return result;
    },

    /**
     * `byEvent`: the warehouse reports the task's progress by event, so the workflow waits for it
     * without a wait activity. The picking record is the workflow's to write once it took this
     * answer: written here, it showed `picking` before the workflow took picking events. The
     * carried view (the fulfillment `requested`) is written before the warehouse is asked, even
     * when it answers at once: a warehouse that reports the instant it has the request is
     * authorized from the record (its key reports only on fulfillments the record shows at its
     * warehouse, api/routes/events.ts), so the record must hold the fulfillment by then.
     */
    createPickTask: carrying(async (req: PickTaskRequest & Carried): Promise<{ taskId: string; byEvent?: true }> => {
      const { record: _record, ...request } = req;
      // The schedule time, not now: the same on every retry of this call (the message it sends is one message).
      const requestedAt = request.requestedAt ?? new Date(Context.current().info.scheduledTimestampMs).toISOString();
      const { taskId, reportsByEvent } = await mapErrors(() => warehouse.createPickTask({ ...request, requestedAt }));
      return reportsByEvent ?? warehouse.mode === 'manual' ? { taskId, byEvent: true } : { taskId };
    }),

    awaitPick: carrying(async (req: FulfillmentRef & { taskId: string }): Promise<Completion> => mapErrors(() => warehouse.awaitPick(req, heartbeatingWait()))),

    packOrder: carrying(async (req: FulfillmentRef & { taskId: string }): Promise<Completion> => mapErrors(() => warehouse.pack(req, heartbeatingWait()))),

    async cancelPickTask(req: FulfillmentRef & { taskId: string; key: string; reason?: string }): Promise<void> {
      await mapErrors(() => warehouse.cancelPickTask(req));
      log.info('cancelled pick task', { orderId: req.orderId, fulfillmentId: req.fulfillmentId, taskId: req.taskId });
    },

    /** `byEvent` on the label: the carrier reports pickup and delivery by event (null, no label, is a manual carrier's answer). */
    buyLabel: carryingUnlessQuick(async (req: LabelRequest & Carried): Promise<(Label & { byEvent?: true }) | null> => {
      const { record: _record, ...request } = req;
      const label = await mapErrors(() => carrier.buyLabel(request));
      // null, not undefined: survives the payload converter as a value.
      if (!label) return null;
      return carrier.mode === 'manual' ? { ...label, byEvent: true } : label;
    }),

    async voidLabel(req: FulfillmentRef & { labelId: string; key: string }): Promise<void> {
      await mapErrors(() => carrier.voidLabel(req));
      log.info('voided label', { orderId: req.orderId, fulfillmentId: req.fulfillmentId, labelId: req.labelId });
    },

    /**
     * `commit`: the held units are committed as shipped first (the key the workflow's own commit
     * would use), so the commit after the label costs no call of its own (patches.ts LEAN_ORDER).
     */
    awaitPickup: carrying(async (req: FulfillmentRef & { label?: Label; commit?: { key: string } }): Promise<Completion> => {
      if (req.commit) await commit(req, req.commit.key);
      return mapErrors(() => carrier.awaitPickup(req, heartbeatingWait()));
    }),

    /** The view is written by the workflow when no other activity carries it (a hold, the final status). */
    async saveOrderRecord(req: { view: OrderView; version: number }): Promise<void> {
      await saveCarried({ record: req });
    },

    /**
     * `closing`: when the delivery closes the order, the activity writes the order's final record
     * (domain/delivered-view.ts, under `closing.version`, which the workflow reserved for it) and answers when it saw the delivery, so the
     * workflow closes without a record write of its own (patches.ts LEAN_ORDER).
     */
    awaitDelivery: carrying(
      async (req: FulfillmentRef & { trackingNumber?: string; closing?: ActivityWrite }): Promise<Completion & { at?: string }> => {
        const done = await mapErrors(() => carrier.awaitDelivery(req, heartbeatingWait()));
        const base = req.closing?.view ?? req.record?.view;
        if (!done.completed || !req.closing || !base || req.fulfillmentId === undefined) return done;
        const at = new Date().toISOString();
        const view = deliveredView(base, req.fulfillmentId, at);
        if (view) await saveCarried({ record: { view, version: req.closing.version } });
        return { ...done, at };
      },
    ),
  };
}

export type OrderActivities = ReturnType<typeof createActivities>;
