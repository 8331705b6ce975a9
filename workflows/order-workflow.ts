/**
 * The order saga of DESIGN §5: validate → reserve → pick → pack → ship → deliver, with
 * compensations (release held stock, cancel the pick task, void the label, restock committed
 * units) on cancel and on the pick/pack/backorder deadlines.
 *
 * How it is built:
 * - The whole saga runs inside `CancellationScope.nonCancellable`. A cancellation of the
 *   workflow (Temporal UI "Request Cancellation", `handle.cancel()`) does not tear the code
 *   down mid-step: it is turned into the same cancel request the `cancel` Update makes, the
 *   running ledger/adapter call finishes (so we know exactly what was done), compensations
 *   run, the order ends `cancelled`, and the workflow then rethrows the CancelledFailure so
 *   Temporal records the execution as Canceled.
 * - Steps that wait on the physical world (pick, pack, pickup, delivery) run their activity
 *   in a child scope that is cancelled as soon as the step ends another way (an event, a
 *   deadline, a cancel). In simulated mode the activity answers `{completed: true}` after
 *   its delay; in manual mode `{completed: false}` and the step waits for the event Update.
 * - Ledger writes carry keys derived from the order and the step. Once-per-order writes
 *   (reserve, ship) use a fixed key, so any retry, also a retry after needs_attention, is
 *   answered from the first result; writes that may legitimately happen again (reserveMore,
 *   release, restock) carry a sequence number kept in workflow state.
 *
 * Only `@temporalio/workflow`, `@temporalio/common` and pure types are imported here.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { OrderActivities } from '../activities/order-activities';
import type { Completion, Label } from '../activities/adapters/types';
import type { ReserveResult } from '../ledger/types';
import {
  DELIVERY_TIMEOUT,
  INVALID_EVENT,
  NON_RETRYABLE_TYPES,
  ORDER_INVALID,
  PICK_FAILED,
} from './failure-types';
import {
  INVALID_TRANSITION,
  cancelSignal,
  cancelUpdate,
  eventUpdate,
  retrySignal,
  retryUpdate,
  statusQuery,
  stockArrivedSignal,
  type CancelRequest,
} from './messages';
import { recordOrderStarted, recordTransition } from './order-metrics';
import { ChannelKey, CustomerIdKey, OrderStatusKey, SkusKey, WarehouseIdsKey } from './search-attributes';
import {
  TERMINAL_STATUSES,
  type Allocation,
  type OrderError,
  type OrderEvent,
  type OrderInput,
  type OrderStatus,
  type OrderView,
} from './types';

/** Steps of the saga; `failedStep` names the one `retry` re-runs. */
export type OrderStep = 'validate' | 'reserve' | 'await_stock' | 'pick' | 'pick_wait' | 'pack' | 'ship' | 'deliver';

/**
 * Patch id of the leaner history (an order the simulated adapters deliver went from 77 events
 * and 11 workflow tasks to 52 and 7; BENCHMARKS.md): the forward ledger steps are local
 * activities; a waiting step's deadline is its activity's schedule-to-close timeout while the
 * activity runs, and a timer only once the activity has answered that the world reports by
 * event; the close timer is only set when an Update reached the order; the start-time upsert
 * is skipped when the starter already set the same attributes, and later upserts send only
 * what changed; warehouse and carrier calls get 30 s attempts. Histories recorded before it
 * (test/fixtures/histories/before-lean-history-1) replay the old commands.
 */
export const LEAN_HISTORY_PATCH = 'lean-history-1';

/** Safety net while awaiting stock: re-try the reservation this often even without a stockArrived signal. */
export const STOCK_RECHECK_MS = 5 * 60_000;

// ── activity options ─────────────────────────────────────────────────────────────
/** Infra errors (database, network, worker crash) retry with backoff; after this the step fails for good → needs_attention. */
const STEP_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 8,
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
};
/** Compensations must happen: retry until they do (a business error still stops them). */
const COMPENSATION_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '60s',
  nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
};
const LEDGER: ActivityOptions = { startToCloseTimeout: '30s', retry: STEP_RETRY };
const ADAPTER: ActivityOptions = { startToCloseTimeout: '2m', retry: STEP_RETRY };
/**
 * Lean runs: a warehouse or carrier call is an HTTP request; 30 s bounds one attempt, and is
 * how long an order waits to be picked up again when the worker running the call dies
 * (it was 2 min). Retries use the same key, so a slow call that did land is not repeated.
 */
const ADAPTER_LEAN: ActivityOptions = { ...ADAPTER, startToCloseTimeout: '30s' };
/** Physical waits (simulated delays): heartbeat; TRY_CANCEL since they have no side effects. */
const WAIT: ActivityOptions = {
  startToCloseTimeout: '30d',
  heartbeatTimeout: '30s',
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  retry: STEP_RETRY,
};
const COMPENSATION: ActivityOptions = { startToCloseTimeout: '1m', retry: COMPENSATION_RETRY };

/**
 * Forward ledger steps (validate, reserve, commit) touch only our own database and take
 * milliseconds: in lean runs they are local activities, so they cost no activity task round
 * trip through the server and several of them share one workflow task. Same keys, same
 * retries; a worker that dies mid-step leaves the workflow task to time out and the next
 * worker runs the step again under the same key. Compensations stay regular activities.
 *
 * A local activity keeps the workflow task open, and queries and Updates wait for it. So an
 * attempt is short (5 s: a reservation's p99 under load is ~0.2 s) and every retry waits on a
 * server timer (localRetryThreshold 0.5 s, below the first backoff of 1 s), which closes the
 * task in between: during a database outage GET /orders/:id and cancel get through between
 * attempts; a hanging attempt can hold them up to 5 s (about 8 s when validate and reserve
 * both hang in one task, when the SDK's task heartbeat lets them through).
 */
const LOCAL_LEDGER: LocalActivityOptions = { startToCloseTimeout: '5s', localRetryThreshold: '500ms', retry: STEP_RETRY };

const acts = proxyActivities<OrderActivities>(LEDGER);
const localActs = proxyLocalActivities<OrderActivities>(LOCAL_LEDGER);

type LedgerStep = 'validateOrder' | 'reserveStock' | 'reserveMoreStock' | 'commitStock';

// ── helpers ──────────────────────────────────────────────────────────────────────
const isTerminal = (s: OrderStatus) => TERMINAL_STATUSES.includes(s);
const nowIso = () => new Date(Date.now()).toISOString();
const units = (lines: { quantity: number }[]) => lines.reduce((n, l) => n + l.quantity, 0);
const uniqueSorted = (values: string[]) => [...new Set(values)].sort();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function invalidTransition(what: string, status: OrderStatus, why?: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: INVALID_TRANSITION,
    message: `${what} does not fit an order that is ${status}${why ? `: ${why}` : ''}`,
    details: [{ status }],
    nonRetryable: true,
  });
}

/** Why a step failed, from an activity failure: its ApplicationFailure type and message when there is one. */
function describeFailure(step: string, err: unknown): OrderError {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : (cause as Error)?.name;
  const message = cause instanceof Error ? cause.message : String(cause);
  return { step, type, message, at: nowIso() };
}

function failureType(err: unknown): string | undefined {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/**
 * The activity cannot finish within its schedule-to-close time: it ran out of it, or the
 * server stopped retrying because the next attempt would start after it (retry state
 * TIMEOUT, whatever the last attempt's error was).
 */
function outOfTime(err: unknown): boolean {
  return err instanceof ActivityFailure && err.retryState === RetryState.TIMEOUT;
}

type WaitOutcome = 'done' | 'timeout' | 'cancel';
type Next = OrderStep | 'attention' | 'compensate' | 'end';

class StepFailed extends Error {
  constructor(
    readonly step: OrderStep,
    readonly error: OrderError,
  ) {
    super(error.message);
  }
}

class OrderSaga {
  private readonly id: string;
  readonly view: OrderView;

  // progress kept in workflow state (it is what makes keys and compensations correct)
  private reserveAttempted = false;
  private reserveMoreSeq = 0;
  private releaseSeq = 0;
  private restockSeq = 0;
  private pickAttempt = 0;
  private pickTaskOpen = false;
  private picked = false;
  private pickFailure?: string;
  private packed = false;
  private label?: Label;
  private labelBought = false;
  private stockCommitted = false;
  /** commitStock was called (its answer may have been lost): compensation replays it. */
  private commitAttempted = false;
  /** buyLabel was called but its answer never came: compensation replays it to void the label. */
  private labelPending = false;
  /** createPickTask was called but its answer never came: a retry or compensation reuses its key. */
  private pickCreatePending = false;
  private handedOver = false;
  private delivered = false;

  // requests from messages
  private cancelRequest?: { reason: string; source: 'update' | 'signal' | 'workflow' | 'attention_timeout' };
  private workflowCancellation?: CancelledFailure;
  private retryRequested = false;
  private stockCheckRequested = false;
  private pendingShipment?: { carrier: string; trackingNumber: string };
  /** Set while the order is being closed (compensations for cancel or timeout run). */
  private closing = false;
  private currentStep: string = 'validate';
  /** Every warehouse that ever held units for the order (the WarehouseIds search attribute). */
  private readonly warehousesSeen = new Set<string>();
  /**
   * OrderStatus and WarehouseIds (JSON) as the last upsert, or the starter, set them; status ''
   * until then. Only a change is upserted: each upsert is an event in the history.
   */
  private published = { status: '', warehouses: '[]' };
  /** `patched(LEAN_HISTORY_PATCH)`, decided once at the start of the run. */
  private lean = false;
  /** An Update handler ran in this run: the close timer is needed (see run()). */
  private updateSeen = false;
  /** Workflow time the current status was entered (metrics only). */
  private statusEnteredAt = Date.now();

  constructor(private readonly input: OrderInput) {
    this.id = input.orderId;
    this.view = {
      orderId: input.orderId,
      status: 'received',
      channel: input.channel,
      customer: input.customer,
      shippingAddress: input.shippingAddress,
      shippingMethod: input.shippingMethod,
      lines: input.lines,
      allocations: [],
      backordered: [],
      history: [{ at: nowIso(), status: 'received' }],
    };
  }

  // ── messages ───────────────────────────────────────────────────────────────────
  install(): void {
    setHandler(statusQuery, () => this.view);

    setHandler(
      cancelUpdate,
      (req) =>
        // Handlers run in the root scope: once the workflow was asked to cancel (and ignored
        // it, e.g. after shipping) their waits must not be cancelled with it.
        CancellationScope.nonCancellable(async () => {
          this.updateSeen = true;
          this.requestCancel(req?.reason, 'update');
          await condition(() => isTerminal(this.view.status) || !this.cancelPossible());
          if (this.view.status === 'cancelled') return this.view;
          throw invalidTransition('cancel', this.view.status, 'the order moved on before the cancel took effect');
        }),
      { validator: (req: CancelRequest) => this.validateCancel(req) },
    );
    setHandler(cancelSignal, (req) => {
      try {
        this.validateCancel(req);
      } catch (err) {
        log.warn('cancel signal ignored', { orderId: this.id, status: this.view.status, reason: (err as Error).message });
        return;
      }
      this.requestCancel(req?.reason, 'signal');
    });

    setHandler(
      retryUpdate,
      () =>
        CancellationScope.nonCancellable(async () => {
          this.updateSeen = true;
          this.retryRequested = true;
          await condition(() => this.view.status !== 'needs_attention');
          return this.view;
        }),
      { validator: () => this.validateRetry() },
    );
    setHandler(retrySignal, () => {
      try {
        this.validateRetry();
      } catch (err) {
        log.warn('retry signal ignored', { orderId: this.id, status: this.view.status, reason: (err as Error).message });
        return;
      }
      this.retryRequested = true;
    });

    setHandler(
      eventUpdate,
      (event) =>
        CancellationScope.nonCancellable(async () => {
          this.updateSeen = true;
          if (this.eventFit(event) === 'repeat') return this.view;
          const before = this.view.status;
          this.applyEvent(event);
          await condition(() => this.view.status !== before);
          if (this.eventReflected(event)) return this.view;
          throw invalidTransition(`event ${event.type}`, this.view.status, 'the order moved on before the event took effect');
        }),
      { validator: (event: OrderEvent) => void this.eventFit(event) },
    );

    setHandler(stockArrivedSignal, (arrival) => {
      if (this.view.status !== 'awaiting_stock') return;
      if (arrival?.sku && !this.view.backordered.some((l) => l.sku === arrival.sku)) return;
      this.stockCheckRequested = true;
    });
  }

  /**
   * Cancel is possible until the parcel is with the carrier (a `shipped` event counts even
   * before the workflow has acted on it: the goods left), and not twice into a closing order.
   */
  private cancelPossible(): boolean {
    return !isTerminal(this.view.status) && !this.handedOver && this.pendingShipment === undefined && !(this.closing && !this.cancelRequest);
  }

  /** A cancel was asked for and can still take effect. */
  private cancelPending(): boolean {
    return !!this.cancelRequest && this.cancelPossible();
  }

  private validateCancel(req: CancelRequest | undefined): void {
    if (req !== undefined && req !== null && req.reason !== undefined && typeof req.reason !== 'string') {
      throw ApplicationFailure.create({ type: INVALID_EVENT, message: 'cancel reason must be a string', nonRetryable: true });
    }
    if (!this.cancelPossible()) {
      throw invalidTransition('cancel', this.view.status, this.handedOver ? 'the order has shipped' : undefined);
    }
  }

  private requestCancel(reason: string | undefined, source: NonNullable<OrderSaga['cancelRequest']>['source']): void {
    if (this.cancelRequest) return;
    this.cancelRequest = { reason: reason?.trim() || 'cancelled', source };
    log.info('cancel requested', { orderId: this.id, status: this.view.status, source, reason: this.cancelRequest.reason });
  }

  private validateRetry(): void {
    if (this.view.status !== 'needs_attention' || this.retryRequested || this.cancelRequest || this.closing) {
      throw invalidTransition('retry', this.view.status, 'retry is accepted only in needs_attention');
    }
  }

  /** 'apply' when the event moves the order on, 'repeat' when it already happened; throws when it does not fit. */
  private eventFit(event: OrderEvent): 'apply' | 'repeat' {
    const status = this.view.status;
    const open = !this.closing && !this.cancelRequest;
    switch (event?.type) {
      case 'picked':
        if (this.picked) return 'repeat';
        if (open && status === 'picking' && this.pickFailure === undefined) return 'apply';
        break;
      case 'pick_failed':
        if (typeof event.reason !== 'string' || event.reason.trim() === '') {
          throw ApplicationFailure.create({ type: INVALID_EVENT, message: 'pick_failed needs a reason', nonRetryable: true });
        }
        if (this.pickFailure !== undefined) return 'repeat';
        if (open && status === 'picking' && !this.picked && this.pickFailure === undefined) return 'apply';
        break;
      case 'packed':
        if (this.packed) return 'repeat';
        if (open && status === 'packing') return 'apply';
        break;
      case 'shipped':
        if (!event.carrier || !event.trackingNumber || typeof event.carrier !== 'string' || typeof event.trackingNumber !== 'string') {
          throw ApplicationFailure.create({ type: INVALID_EVENT, message: 'shipped needs carrier and trackingNumber', nonRetryable: true });
        }
        if (this.handedOver || this.pendingShipment !== undefined) return 'repeat';
        if (open && status === 'shipping') return 'apply';
        break;
      case 'delivered':
        if (this.delivered) return 'repeat';
        if (status === 'shipped' || (status === 'needs_attention' && this.view.failedStep === 'deliver')) return 'apply';
        break;
      default:
        throw ApplicationFailure.create({
          type: INVALID_EVENT,
          message: `unknown event type ${JSON.stringify((event as { type?: unknown })?.type)}`,
          nonRetryable: true,
        });
    }
    throw invalidTransition(`event ${event.type}`, status);
  }

  private applyEvent(event: OrderEvent): void {
    switch (event.type) {
      case 'picked':
        this.picked = true;
        break;
      case 'pick_failed':
        this.pickFailure = event.reason;
        break;
      case 'packed':
        this.packed = true;
        break;
      case 'shipped':
        this.pendingShipment = { carrier: event.carrier, trackingNumber: event.trackingNumber };
        break;
      case 'delivered':
        this.delivered = true;
        break;
    }
  }

  private eventReflected(event: OrderEvent): boolean {
    switch (event.type) {
      case 'picked':
        return this.picked && !['cancelled', 'timed_out'].includes(this.view.status);
      case 'pick_failed':
        return this.view.status === 'needs_attention' && this.pickFailure !== undefined;
      case 'packed':
        return this.packed && !['cancelled', 'timed_out'].includes(this.view.status);
      case 'shipped':
        return this.handedOver;
      case 'delivered':
        return this.view.status === 'delivered';
    }
  }

  // ── visibility ─────────────────────────────────────────────────────────────────
  private setStatus(status: OrderStatus, note?: string): void {
    const changed = status !== this.view.status;
    if (changed) {
      recordTransition(this.view.status, status, (Date.now() - this.statusEnteredAt) / 1000, this.input.channel);
      this.statusEnteredAt = Date.now();
    }
    this.view.status = status;
    if (changed || note) this.view.history.push({ at: nowIso(), status, ...(note ? { note } : {}) });
    this.publish();
  }

  /** Search attributes and current details: called at start and at every transition. */
  private publish(): void {
    const warehouses = uniqueSorted([...this.warehousesSeen]);
    const warehousesJson = JSON.stringify(warehouses);
    const warehousesChanged = warehousesJson !== this.published.warehouses;
    if (this.view.status !== this.published.status || warehousesChanged) {
      // Upserts merge: the fixed attributes need sending once (lean runs), not at every status.
      const all = !this.lean || this.published.status === '';
      upsertSearchAttributes([
        { key: OrderStatusKey, value: this.view.status },
        ...(all
          ? [
              { key: CustomerIdKey, value: this.input.customer.id },
              { key: ChannelKey, value: this.input.channel },
              { key: SkusKey, value: uniqueSorted(this.input.lines.map((l) => l.sku)) },
            ]
          : []),
        // An empty list would unset the attribute: leave it out until a warehouse holds units
        // (and, in lean runs, while it is unchanged).
        ...(warehouses.length > 0 && (!this.lean || warehousesChanged) ? [{ key: WarehouseIdsKey, value: warehouses }] : []),
      ]);
      this.published = { status: this.view.status, warehouses: warehousesJson };
    }
    setCurrentDetails(this.details());
  }

  /** The run started with the attributes `publish()` would set now (orderStartOptions sets them). */
  private startedWithAttributes(): boolean {
    const attrs = workflowInfo().typedSearchAttributes;
    const skus = attrs.get(SkusKey);
    const want = uniqueSorted(this.input.lines.map((l) => l.sku));
    return (
      attrs.get(OrderStatusKey) === this.view.status &&
      attrs.get(CustomerIdKey) === this.input.customer.id &&
      attrs.get(ChannelKey) === this.input.channel &&
      Array.isArray(skus) &&
      JSON.stringify(uniqueSorted(skus)) === JSON.stringify(want) &&
      attrs.get(WarehouseIdsKey) === undefined
    );
  }

  private setAllocations(allocations: Allocation[]): void {
    this.view.allocations = allocations;
    for (const a of allocations) this.warehousesSeen.add(a.warehouseId);
  }

  private details(): string {
    const v = this.view;
    const rows = [`**Status:** ${v.status} · **Step:** ${this.currentStep}`];
    if (v.pickTaskId) rows.push(`**Pick task:** ${v.pickTaskId} (attempt ${this.pickAttempt})`);
    rows.push(
      `**Allocations:** ${v.allocations.length ? v.allocations.map((a) => `${a.warehouseId}: ${a.sku} ×${a.quantity}`).join(', ') : '—'}`,
    );
    if (v.backordered.length) rows.push(`**Backordered:** ${v.backordered.map((l) => `${l.sku} ×${l.quantity}`).join(', ')}`);
    if (v.shipment) rows.push(`**Shipment:** ${v.shipment.carrier} ${v.shipment.trackingNumber}`);
    if (v.lastError) rows.push(`**Last error:** [${v.lastError.step}] ${v.lastError.type ?? 'Error'}: ${v.lastError.message}`);
    if (v.failedStep) rows.push(`**Retry re-runs:** ${v.failedStep}`);
    if (v.cancelReason) rows.push(`**Cancel reason:** ${v.cancelReason}`);
    return rows.join('\n\n');
  }

  private enterStep(step: string): void {
    this.currentStep = step;
    setCurrentDetails(this.details());
  }

  private applyReservation(result: ReserveResult): void {
    this.setAllocations(result.allocations);
    this.view.backordered = result.backordered;
  }

  private adapterOptions(): ActivityOptions {
    return this.lean ? ADAPTER_LEAN : ADAPTER;
  }

  /** A forward ledger step: a local activity in lean runs, a regular one in runs recorded before. */
  private ledgerStep<K extends LedgerStep>(name: K, summary: string, args: Parameters<OrderActivities[K]>): Promise<Awaited<ReturnType<OrderActivities[K]>>> {
    // The proxies' per-name types do not survive a generic index; both take (options, args).
    type Step = { executeWithOptions(options: LocalActivityOptions, args: Parameters<OrderActivities[K]>): Promise<Awaited<ReturnType<OrderActivities[K]>>> };
    if (this.lean) return (localActs[name] as unknown as Step).executeWithOptions({ ...LOCAL_LEDGER, summary }, args);
    return (acts[name] as unknown as Step).executeWithOptions({ ...LEDGER, summary }, args);
  }

  // ── the saga ───────────────────────────────────────────────────────────────────
  async run(): Promise<OrderView> {
    // Workflow cancellation → the same cancel request as the Update (ignored once shipped).
    CancellationScope.current().cancelRequested.catch((err: unknown) => {
      if (!this.cancelPossible()) {
        log.warn('workflow cancellation ignored: the order can no longer be cancelled', { orderId: this.id, status: this.view.status });
        return;
      }
      this.workflowCancellation = err instanceof CancelledFailure ? err : new CancelledFailure('workflow cancelled');
      this.requestCancel('workflow cancellation requested', 'workflow');
    });

    recordOrderStarted(this.input.channel);
    this.lean = patched(LEAN_HISTORY_PATCH);
    // The starter (orderStartOptions) sets these at start; upserting them again would only
    // add an event and a visibility write.
    if (this.lean && this.startedWithAttributes()) this.published = { status: this.view.status, warehouses: '[]' };
    await CancellationScope.nonCancellable(async () => {
      this.publish();
      await this.saga();
      // Updates waiting on this order's state answer before the workflow closes.
      await condition(allHandlersFinished);
      // The server refuses a workflow task that closes the workflow when a new event (an
      // activity result, a signal) arrived meanwhile, and an Update accepted in that same
      // task is aborted with it ("unexpected workflow task failure"). Closing one short timer
      // later makes the Updates that finished the order durable in a task of their own.
      // With no Update in the run there is nothing to abort: a refused task is simply re-run.
      if (!this.lean || this.updateSeen) {
        await sleep(1, { summary: 'close' });
        await condition(allHandlersFinished);
      }
    });
    if (this.workflowCancellation && this.view.status === 'cancelled') throw this.workflowCancellation;
    return this.view;
  }

  private async saga(): Promise<void> {
    let next: Next = 'validate';
    let failed: StepFailed | undefined;
    for (;;) {
      if (next === 'end') return;
      if (next !== 'compensate' && this.cancelRequest) next = 'compensate';
      if (next === 'compensate') {
        await this.compensate('cancelled', this.cancelRequest?.reason ?? 'cancelled');
        return;
      }
      if (next === 'attention') {
        next = await this.needsAttention(failed!);
        failed = undefined;
        continue;
      }
      const step: OrderStep = next;
      try {
        next = await this.runStep(step);
      } catch (err) {
        if (err instanceof StepFailed) {
          failed = err;
        } else if (isCancellation(err)) {
          throw err; // never expected inside the non-cancellable saga
        } else {
          failed = new StepFailed(step === 'pick_wait' ? 'pick' : step, describeFailure(step, err));
        }
        log.warn('order step failed for good', { orderId: this.id, step, error: failed.error });
        next = 'attention';
      }
    }
  }

  private runStep(step: OrderStep): Promise<Next> {
    switch (step) {
      case 'validate':
        return this.validate();
      case 'reserve':
        return this.reserve();
      case 'await_stock':
        return this.awaitStock();
      case 'pick':
        return this.createPickTask();
      case 'pick_wait':
        return this.awaitPick();
      case 'pack':
        return this.pack();
      case 'ship':
        return this.ship();
      case 'deliver':
        return this.deliver();
    }
  }

  private async validate(): Promise<Next> {
    if (this.view.status !== 'received') this.setStatus('received', 'retrying validation');
    this.enterStep('validate');
    try {
      await this.ledgerStep('validateOrder', `Validate order ${this.id}`, [this.input]);
    } catch (err) {
      if (failureType(err) !== ORDER_INVALID) throw err;
      this.view.lastError = describeFailure('validate', err);
      this.setStatus('rejected', this.view.lastError.message);
      return 'end';
    }
    return 'reserve';
  }

  private async reserve(): Promise<Next> {
    if (this.view.status !== 'received') this.setStatus('received', 'retrying the reservation');
    this.enterStep('reserve');
    this.reserveAttempted = true;
    const n = units(this.input.lines);
    const result = await this.ledgerStep(
      'reserveStock',
      `Reserve ${plural(n, 'unit')} of ${plural(new Set(this.input.lines.map((l) => l.sku)).size, 'SKU')}`,
      [{ orderId: this.id, lines: this.input.lines, key: `${this.id}:reserve` }],
    );
    this.applyReservation(result);
    return result.backordered.length > 0 ? 'await_stock' : 'pick';
  }

  private async awaitStock(): Promise<Next> {
    const missing = units(this.view.backordered);
    this.setStatus('awaiting_stock', `${plural(missing, 'unit')} backordered`);
    this.enterStep('await stock');
    const deadline = Date.now() + this.input.timeouts.backorderMs;
    for (;;) {
      // A cancel accepted while a reservation attempt ran beats the deadline, as everywhere else.
      if (this.cancelRequest) return 'compensate';
      const left = deadline - Date.now();
      if (left <= 0) {
        await this.compensate('timed_out', 'backorder timeout: held units released');
        return 'end';
      }
      const woke = await condition(() => this.stockCheckRequested || !!this.cancelRequest, Math.min(left, STOCK_RECHECK_MS), {
        summary: left <= STOCK_RECHECK_MS ? 'backorder timeout' : 'stock re-check',
      });
      if (this.cancelRequest) return 'compensate';
      if (!woke && Date.now() >= deadline) continue;
      this.stockCheckRequested = false;
      const seq = ++this.reserveMoreSeq;
      const result = await this.ledgerStep('reserveMoreStock', `Reserve backordered units (check ${seq})`, [
        { orderId: this.id, key: `${this.id}:reserve-more:${seq}` },
      ]);
      this.applyReservation(result);
      if (result.backordered.length === 0) return 'pick';
      this.publish();
    }
  }

  private async createPickTask(): Promise<Next> {
    if (this.view.status !== 'reserved') this.setStatus('reserved', this.pickAttempt > 0 ? 'retrying the pick' : undefined);
    this.enterStep('create pick task');
    if (this.pickTaskOpen && this.view.pickTaskId) await this.cancelPickTask(this.adapterOptions());
    // After a create whose answer was lost, the same key again: the warehouse answers with the
    // task it may already have opened instead of a second one beside it.
    const attempt = this.pickCreatePending ? this.pickAttempt : ++this.pickAttempt;
    this.picked = false;
    this.pickFailure = undefined;
    this.pickCreatePending = true;
    const { taskId } = await acts.createPickTask.executeWithOptions(
      { ...this.adapterOptions(), summary: `Create pick task (attempt ${attempt})` },
      [{ orderId: this.id, key: `${this.id}:pick:${attempt}`, allocations: this.view.allocations }],
    );
    this.pickCreatePending = false;
    this.view.pickTaskId = taskId;
    this.pickTaskOpen = true;
    return 'pick_wait';
  }

  private async awaitPick(): Promise<Next> {
    this.setStatus('picking', `pick task ${this.view.pickTaskId}`);
    this.enterStep('picking');
    const taskId = this.view.pickTaskId!;
    const outcome = await this.waitFor({
      step: 'pick_wait',
      summary: `Wait for pick task ${taskId}`,
      run: (o) => acts.awaitPick.executeWithOptions(o, [{ orderId: this.id, taskId }]),
      onCompleted: () => (this.picked = true),
      done: () => this.picked || this.pickFailure !== undefined,
      timeoutMs: this.input.timeouts.pickMs,
      timeoutSummary: 'pick timeout',
    });
    if (outcome === 'cancel') return 'compensate';
    if (outcome === 'timeout') {
      await this.compensate('timed_out', 'pick timeout: pick task cancelled, held units released');
      return 'end';
    }
    if (this.pickFailure !== undefined) {
      throw new StepFailed('pick', { step: 'pick', type: PICK_FAILED, message: this.pickFailure, at: nowIso() });
    }
    return 'pack';
  }

  private async pack(): Promise<Next> {
    this.setStatus('packing');
    this.enterStep('packing');
    const taskId = this.view.pickTaskId!;
    const outcome = await this.waitFor({
      step: 'pack',
      summary: `Pack order (task ${taskId})`,
      run: (o) => acts.packOrder.executeWithOptions(o, [{ orderId: this.id, taskId }]),
      onCompleted: () => (this.packed = true),
      done: () => this.packed,
      timeoutMs: this.input.timeouts.packMs,
      timeoutSummary: 'pack timeout',
    });
    if (outcome === 'cancel') return 'compensate';
    if (outcome === 'timeout') {
      await this.compensate('timed_out', 'pack timeout: pick task cancelled, held units released');
      return 'end';
    }
    return 'ship';
  }

  private async ship(): Promise<Next> {
    this.setStatus('shipping');
    if (!this.labelBought && !this.pendingShipment) {
      this.enterStep('buy label');
      this.labelPending = true;
      const label = await acts.buyLabel.executeWithOptions({ ...this.adapterOptions(), summary: `Buy ${this.input.shippingMethod} label` }, [
        this.labelRequest(),
      ]);
      this.labelPending = false;
      this.labelBought = true;
      if (label) {
        this.label = label;
        this.view.shipment = { carrier: label.carrier, trackingNumber: label.trackingNumber, labelId: label.labelId };
      }
      this.publish();
    }
    if (this.cancelPending()) return 'compensate';
    if (!this.stockCommitted) {
      this.enterStep('commit stock');
      // Set before the call: if it fails for good after the ledger applied it, compensation
      // must still learn (by replaying the same key) that the units left the books.
      this.commitAttempted = true;
      const { shipped } = await this.ledgerStep('commitStock', `Commit ${plural(units(this.view.allocations), 'held unit')} as shipped`, [
        { orderId: this.id, key: `${this.id}:ship` },
      ]);
      this.stockCommitted = true;
      if (shipped.length > 0) this.setAllocations(shipped);
    }
    if (this.cancelPending()) return 'compensate';
    this.enterStep('awaiting carrier pickup');
    const outcome = await this.waitFor({
      step: 'ship',
      summary: this.label ? `Hand parcel ${this.label.trackingNumber} to ${this.label.carrier}` : 'Wait for carrier pickup',
      run: (o) => acts.awaitPickup.executeWithOptions(o, [{ orderId: this.id, label: this.label }]),
      onCompleted: () => (this.handedOver = true),
      done: () => this.handedOver || this.pendingShipment !== undefined,
      doneWins: true,
    });
    if (outcome === 'cancel') return 'compensate';
    this.handedOver = true;
    if (this.cancelRequest) {
      // The parcel left while a cancel was on its way: too late, the cancel Update answers 409.
      log.warn('cancel arrived as the carrier took the parcel: not cancelled', { orderId: this.id });
      this.cancelRequest = undefined;
      this.workflowCancellation = undefined;
    }
    const shipment = this.pendingShipment ?? (this.label && { carrier: this.label.carrier, trackingNumber: this.label.trackingNumber });
    this.view.shipment = { ...this.view.shipment, ...shipment, shippedAt: nowIso() } as OrderView['shipment'];
    this.setStatus('shipped', this.view.shipment?.trackingNumber ? `${this.view.shipment.carrier} ${this.view.shipment.trackingNumber}` : undefined);
    return 'deliver';
  }

  private async deliver(): Promise<Next> {
    if (this.view.status !== 'shipped') this.setStatus('shipped', 'waiting for delivery again');
    this.enterStep('in transit');
    const outcome = await this.waitFor({
      step: 'deliver',
      summary: `Track delivery${this.view.shipment?.trackingNumber ? ` of ${this.view.shipment.trackingNumber}` : ''}`,
      run: (o) => acts.awaitDelivery.executeWithOptions(o, [{ orderId: this.id, trackingNumber: this.view.shipment?.trackingNumber }]),
      onCompleted: () => (this.delivered = true),
      done: () => this.delivered,
      timeoutMs: this.input.timeouts.deliveryMs,
      timeoutSummary: 'delivery timeout',
      doneWins: true,
    });
    if (outcome === 'timeout') {
      throw new StepFailed('deliver', { step: 'deliver', type: DELIVERY_TIMEOUT, message: 'no delivery reported in time', at: nowIso() });
    }
    return this.finishDelivered();
  }

  private finishDelivered(): Next {
    if (this.view.shipment) this.view.shipment.deliveredAt = nowIso();
    this.view.failedStep = undefined;
    this.enterStep('done');
    this.setStatus('delivered');
    return 'end';
  }

  /**
   * Runs a physical-wait activity in its own cancellable scope and waits until the step is
   * done (by the activity or by an event), its deadline passes, or a cancel arrives; the
   * activity is cancelled when the step ends another way. An activity that fails for good
   * fails the step.
   *
   * The deadline: while the activity runs, its schedule-to-close timeout is the deadline
   * (the server enforces it like a timer, also with no worker up, and it bounds the retries
   * too); once the activity has answered that the world reports by event (manual mode), or
   * the server stopped retrying it because the next attempt would start too late, a timer
   * covers what is left of it. A step that the activity finishes thus costs no timer.
   */
  private async waitFor(opts: {
    step: OrderStep;
    summary: string;
    run: (options: ActivityOptions) => Promise<Completion>;
    onCompleted: () => void;
    done: () => boolean;
    timeoutMs?: number;
    timeoutSummary?: string;
    /** When done and cancel coincide, done wins (the parcel has left: cancel can no longer undo it). */
    doneWins?: boolean;
  }): Promise<WaitOutcome> {
    const { timeoutMs } = opts;
    const deadlineByActivity = this.lean && timeoutMs !== undefined;
    const scope = new CancellationScope();
    let settled = false;
    let failure: unknown;
    const options: ActivityOptions = { ...WAIT, summary: opts.summary };
    if (deadlineByActivity) options.scheduleToCloseTimeout = timeoutMs;
    // One .then with both handlers (no .finally): every promise here costs the SDK a stack capture.
    scope.run(() => opts.run(options)).then(
      (r) => {
        settled = true;
        if (r.completed) opts.onCompleted();
      },
      (err) => {
        settled = true;
        // Out of time is the deadline's business (below), not a failed step.
        if (!isCancellation(err) && !(deadlineByActivity && outOfTime(err))) failure = err;
      },
    );
    const wake = () => opts.done() || this.cancelPending() || failure !== undefined;
    let inTime = true;
    try {
      if (timeoutMs === undefined) {
        await condition(wake);
      } else if (deadlineByActivity) {
        const deadline = Date.now() + timeoutMs;
        await condition(() => wake() || settled);
        // The activity answered "report by event", or gave up early for lack of time: wait for
        // an event (or a cancel) until the deadline itself.
        if (!wake()) {
          const left = deadline - Date.now();
          inTime = left > 0 && (await condition(wake, left, { summary: opts.timeoutSummary ?? 'deadline' }));
        }
      } else {
        inTime = await condition(wake, timeoutMs, { summary: opts.timeoutSummary ?? 'deadline' });
      }
    } finally {
      if (!settled) scope.cancel();
    }
    const cancel = this.cancelPending();
    if (opts.done() && (opts.doneWins || !cancel)) return 'done';
    if (cancel) return 'cancel';
    if (failure !== undefined) throw new StepFailed(opts.step === 'pick_wait' ? 'pick' : opts.step, describeFailure(opts.step, failure));
    if (!inTime) return 'timeout';
    return 'done';
  }

  private async needsAttention(failed: StepFailed): Promise<Next> {
    this.view.lastError = failed.error;
    this.view.failedStep = failed.step;
    this.retryRequested = false;
    this.setStatus('needs_attention', `${failed.step} failed: ${failed.error.message}`);
    this.enterStep(`needs attention (${failed.step})`);
    const inTime = await condition(
      () => this.retryRequested || !!this.cancelRequest || (failed.step === 'deliver' && this.delivered),
      this.input.timeouts.attentionMs,
      { summary: 'attention timeout' },
    );
    if (failed.step === 'deliver' && this.delivered) return this.finishDelivered();
    if (this.cancelRequest) return 'compensate';
    // A retry accepted in the same activation as the deadline wins: its Update was answered.
    if (!inTime && !this.retryRequested) {
      this.requestCancel('attention timeout: nobody retried or cancelled in time', 'attention_timeout');
      return 'compensate';
    }
    this.retryRequested = false;
    this.view.failedStep = undefined;
    log.info('retrying step', { orderId: this.id, step: failed.step });
    return failed.step;
  }

  private labelRequest() {
    return {
      orderId: this.id,
      key: `${this.id}:label`,
      address: this.input.shippingAddress,
      method: this.input.shippingMethod,
      allocations: this.view.allocations,
    };
  }

  private async cancelPickTask(options: ActivityOptions): Promise<void> {
    const taskId = this.view.pickTaskId!;
    await acts.cancelPickTask.executeWithOptions({ ...options, summary: `Cancel pick task ${taskId}` }, [
      { orderId: this.id, taskId, key: `${this.id}:pick:${this.pickAttempt}:cancel` },
    ]);
    this.pickTaskOpen = false;
  }

  /**
   * Undoes what was done, in a non-cancellable scope, and closes the order `cancelled` or
   * `timed_out`. A compensation that fails for good (a business error: retries are
   * unlimited) is recorded in lastError and the others still run; stock left held by it
   * is what the reaper releases once the workflow is closed.
   */
  private async compensate(final: 'cancelled' | 'timed_out', note: string): Promise<void> {
    this.closing = true;
    this.enterStep(final === 'cancelled' ? 'compensating (cancel)' : 'compensating (timeout)');
    await CancellationScope.nonCancellable(async () => {
      const attempt = async (step: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (err) {
          this.view.lastError = describeFailure(step, err);
          log.error('compensation failed', { orderId: this.id, step, error: this.view.lastError });
        }
      };
      const shipped = this.handedOver;
      if (this.pickCreatePending && !shipped) {
        await attempt('create pick task (replay)', async () => {
          const { taskId } = await acts.createPickTask.executeWithOptions(
            { ...COMPENSATION, summary: 'Confirm the pick task whose creation went unanswered' },
            [{ orderId: this.id, key: `${this.id}:pick:${this.pickAttempt}`, allocations: this.view.allocations }],
          );
          this.view.pickTaskId = taskId;
          this.pickTaskOpen = true;
          this.pickCreatePending = false;
        });
      }
      if (this.labelPending && !shipped) {
        await attempt('buy label (replay)', async () => {
          const label = await acts.buyLabel.executeWithOptions({ ...COMPENSATION, summary: 'Confirm the label whose purchase went unanswered' }, [
            this.labelRequest(),
          ]);
          if (label) this.label = label;
          this.labelPending = false;
        });
      }
      if (this.pickTaskOpen && this.view.pickTaskId && !shipped) await attempt('cancel pick task', () => this.cancelPickTask(COMPENSATION));
      if (this.label && !shipped) {
        const label = this.label;
        await attempt('void label', async () => {
          await acts.voidLabel.executeWithOptions({ ...COMPENSATION, summary: `Void label ${label.labelId}` }, [
            { orderId: this.id, labelId: label.labelId, key: `${this.id}:label:void` },
          ]);
          this.label = undefined;
        });
      }
      if (this.commitAttempted && !this.stockCommitted && !shipped) {
        // The commit's answer was lost: the same key replays it (or applies it), so the
        // restock below puts back exactly what the ledger shipped.
        await attempt('commit stock (replay)', async () => {
          await acts.commitStock.executeWithOptions({ ...COMPENSATION, summary: 'Confirm whether held units were committed' }, [
            { orderId: this.id, key: `${this.id}:ship` },
          ]);
          this.stockCommitted = true;
        });
      }
      if (this.stockCommitted && !shipped) {
        const seq = ++this.restockSeq;
        await attempt('restock', async () => {
          await acts.restockOrder.executeWithOptions({ ...COMPENSATION, summary: 'Put committed units back on hand' }, [
            { orderId: this.id, lines: this.input.lines, key: `${this.id}:restock:${seq}` },
          ]);
          this.stockCommitted = false;
        });
      }
      if (this.reserveAttempted && !shipped) {
        const seq = ++this.releaseSeq;
        await attempt('release', async () => {
          const { released } = await acts.releaseStock.executeWithOptions(
            { ...COMPENSATION, summary: `Release held stock${seq > 1 ? ` (${seq})` : ''}` },
            [{ orderId: this.id, key: `${this.id}:release:${seq}` }],
          );
          if (released.length > 0 || this.view.allocations.length > 0) this.view.allocations = [];
          this.view.backordered = [];
        });
      }
    });
    if (final === 'cancelled') this.view.cancelReason = this.cancelRequest?.reason ?? note;
    this.view.failedStep = undefined;
    this.enterStep('closed');
    this.setStatus(final, note);
  }
}

/** The order workflow: one per order, id `order-<orderId>` (see `orderStartOptions`). */
export async function orderWorkflow(input: OrderInput): Promise<OrderView> {
  const saga = new OrderSaga(input);
  saga.install();
  return saga.run();
}
