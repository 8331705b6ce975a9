/**
 * The cancel/409 race of fault run 4 (issue #27), reproduced step by step instead of by a storm:
 * the carrier's pickup completes and a cancel arrives, and the order's workflow sees both in ONE
 * workflow task. The test holds the order's workflow worker down while the two pile up:
 *
 *   1. the order runs to `shipping`; the pickup activity (on a separate activity worker) is held;
 *   2. the workflow worker stops; the pickup is let go and its completion lands in the history;
 *   3. POST /orders/:id/cancel is sent and the test waits until Temporal has admitted its Update;
 *   4. a new workflow worker starts: its first task carries the pickup and the cancel together.
 *
 * Before the fix the saga began compensating for the cancel while the branch handed the parcel
 * over and withdrew it: the cancel answered 409 and the order still ended `cancelled` (with the
 * parcel gone). The rule (docs/design.md §6): 200 → the order ends cancelled with its stock
 * back; 409 → nothing changes. Here the parcel left first, so: 409, and the order is delivered.
 */
import * as grpc from '@grpc/grpc-js';
import request from 'supertest';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { simulatedCarrier, simulatedWarehouse } from '../activities/adapters';
import type { CarrierAdapter } from '../activities/adapters/types';
import { createActivities } from '../activities/order-activities';
import { createApp } from '../api/app';
import { createRecordsWithEvents } from '../app/order-records';
import { silentLogger } from '../platform/logger';
import { createLedger } from '../ledger/ledger';
import { orderWorkflowId } from '../domain/types';
import { apiTestConfig, appServices, as, orderBody, orderWorkflowBundle, seedStock, uid } from './support/api-fixtures';
import { testKnex } from './support/db';
import { Gate } from './support/recording-adapters';
import { eventually, temporalEnv } from './support/temporal';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The carrier collects a parcel only when the test lets it (per order); labels and deliveries are simulated. */
function heldPickupCarrier(gates: Map<string, Gate>): CarrierAdapter {
  const sim = simulatedCarrier({ delayMs: 0 });
  return {
    ...sim,
    async awaitPickup(req) {
      await gates.get(req.orderId)?.wait();
      return { completed: true };
    },
  };
}

/** Records the update id of every UpdateWorkflowExecution the API's client sends (the gateway draws them at random). */
function updateIdRecorder(ids: string[]): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      sendMessage(message: Uint8Array, next: (m: Uint8Array) => void) {
        if (options.method_definition.path.endsWith('/UpdateWorkflowExecution')) {
          const id = temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest.decode(message).request?.meta?.updateId;
          if (id) ids.push(id);
        }
        next(message);
      },
    });
}

/** Indexes of the pickup's completion and of the cancel Update's acceptance, and the workflow tasks completed between them. */
function raceShape(events: HistoryEvent[]) {
  const scheduled = new Map(events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => [Number(e.eventId), e]));
  const pickupDone = events.findIndex(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
      scheduled.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId))?.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitPickup',
  );
  const cancelAccepted = events.findIndex(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED && e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'cancel',
  );
  const tasksBetween = events.slice(pickupDone + 1, cancelAccepted).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
  return { pickupDone, cancelAccepted, tasksBetween };
}

describe('cancel racing the carrier pickup in one workflow task', () => {
  const config = apiTestConfig({ WAREHOUSE_MODE: 'simulated', CARRIER_MODE: 'simulated' });
  const { namespace } = temporalEnv();
  const gates = new Map<string, Gate>();
  const updateIds: string[] = [];
  const knex = testKnex(5);
  const ledger = createLedger(knex);
  const records = createRecordsWithEvents(knex, config.cursorSecret);
  let connection: Connection;
  let client: Client;
  let workerConnection: NativeConnection;
  let activityWorker: Worker;
  let activitiesRunning: Promise<void>;
  let workflowWorker: { worker: Worker; running: Promise<void> } | undefined;

  const activities = createActivities({ ledger, records, warehouse: simulatedWarehouse({ delayMs: 0 }), carrier: heldPickupCarrier(gates) });

  /** Workflows and their local activities (the ledger steps) only: activity tasks go to the activity worker. */
  async function startWorkflowWorker() {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue: config.taskQueue,
      workflowBundle: await orderWorkflowBundle(),
      activities,
      enableNonLocalActivities: false,
      stickyQueueScheduleToStartTimeout: '1s',
    });
    workflowWorker = { worker, running: worker.run() };
  }

  async function stopWorkflowWorker() {
    if (!workflowWorker) return;
    workflowWorker.worker.shutdown();
    await workflowWorker.running;
    workflowWorker = undefined;
  }

  beforeAll(async () => {
    connection = await Connection.connect({
      address: temporalEnv().address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), updateIdRecorder(updateIds)],
    });
    client = new Client({ connection, namespace });
    workerConnection = await NativeConnection.connect({ address: temporalEnv().address });
    // Activities only: it keeps running (and holds the pickup) while the workflow worker is down.
    activityWorker = await Worker.create({
      connection: workerConnection,
      namespace,
      taskQueue: config.taskQueue,
      activities,
    });
    activitiesRunning = activityWorker.run();
    await startWorkflowWorker();
  });

  afterAll(async () => {
    await stopWorkflowWorker();
    activityWorker?.shutdown();
    await activitiesRunning?.catch(() => undefined);
    await workerConnection?.close();
    await connection?.close();
    await knex.destroy();
  });

  it('the parcel left first: the cancel answers 409 and the order is delivered, its units shipped once', async () => {
    const app = createApp({ config, ledger, records, knex, client, ...appServices(client, ledger, records), logger: silentLogger, timeouts: { updateMs: 120_000 } });
    const { warehouseId, sku } = await seedStock(app, 5);
    const orderId = uid('race');
    const pickup = new Gate();
    gates.set(orderId, pickup);
    await request(app).post('/orders').set(as('system')).send(orderBody([{ sku, quantity: 2 }], { orderId })).expect(202);
    const handle = client.workflow.getHandle(orderWorkflowId(orderId));

    // 1–2: the pickup is running; with no workflow worker its completion waits in the history.
    await pickup.reached;
    await stopWorkflowWorker();
    pickup.open();
    await eventually(async () => (raceShape((await handle.fetchHistory()).events ?? []).pickupDone >= 0 ? true : undefined), 60_000);

    // 3: the cancel is admitted by Temporal before any worker can see the pickup.
    const cancel = request(app).post(`/orders/${orderId}/cancel`).set(as('support')).send({ reason: 'customer changed their mind' }).then((r) => r);
    await eventually(async () => {
      const updateId = updateIds.at(-1);
      if (!updateId) return undefined;
      await client.workflowService.pollWorkflowExecutionUpdate({
        namespace,
        updateRef: { workflowExecution: { workflowId: orderWorkflowId(orderId) }, updateId },
        waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
      });
      return true;
    }, 60_000);

    // 4: one workflow task carries both.
    await startWorkflowWorker();
    const answer = await cancel;
    const final = await handle.result();

    const shape = raceShape((await handle.fetchHistory()).events ?? []);
    expect(shape.cancelAccepted).toBeGreaterThan(shape.pickupDone);
    expect(shape.tasksBetween).toBe(1); // the interleaving happened: accepted in the task that saw the pickup

    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: 'invalid_transition', details: { orderId } });
    expect(final.status).toBe('delivered');
    expect(final.cancelReason).toBeUndefined();
    const record = await request(app).get(`/orders/${orderId}`).set(as('ops')).expect(200);
    expect(record.body.status).toBe('delivered');
    // Nothing of the cancel took effect: the two units left the books once, nothing was put back.
    const levels = (await ledger.levels(sku))?.levels.find((l) => l.warehouseId === warehouseId);
    expect(levels).toMatchObject({ onHand: 3, reserved: 0 });
  }, 240_000);
});
