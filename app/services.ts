/**
 * The composition root: the wiring every process entry shares (api/main.ts, worker/main.ts,
 * cli/start.ts): the Postgres pool and ledger, the Temporal client, the one stock waker and
 * closed-order check of the process. The worker's part is app/worker-service.ts, the API's
 * app/api.ts; the HTTP server that drains and the signal handling are plumbing
 * (platform/http-server.ts, platform/shutdown.ts).
 */
import type { Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config';
import { createLedger } from '../ledger/ledger';
import type { ClosedOrdersCheck, Ledger } from '../ledger/types';
import { createClosedOrdersCheck, createRecordClosedCheck } from '../clients/order-closed';
import { createStockWaker, type StockWaker } from '../clients/stock-waker';
import { createReturnRecords, type OrderRecords, type ReturnRecords } from '../orders';
import { createRecordsWithEvents } from './order-records';
import { createStockMotionRecords, type StockMotionRecords } from './stock-motion-records';
import { prepareSecrets } from './secrets-at-start';
import { createKnex } from '../platform/database';
import type { Logger } from '../platform/logger';
import { dataConverter } from '../platform/payload-codec';
import { connectionOptions } from '../platform/temporal-connection';
import { closeQuietly } from '../platform/shutdown';

export interface CoreServices {
  knex: Knex;
  ledger: Ledger;
  records: OrderRecords;
  /** The returns kept in those records (docs/design.md §13). */
  returns: ReturnRecords;
  /** Purchase orders and transfers (docs/design.md §15). */
  stockMotion: StockMotionRecords;
  connection: Connection;
  client: Client;
  /** Wakes the orders awaiting a SKU: the API's receipts and the worker's activities share it. */
  stockWaker: StockWaker;
  /** The reconciliation's "is this order closed" (records first, then Temporal). */
  closedOrdersCheck: ClosedOrdersCheck;
  /** Drains the stock waker, then closes the Temporal connection and the pool (errors logged, never thrown). */
  close(): Promise<void>;
}

export interface OrderServices {
  stockWaker: StockWaker;
  closedOrdersCheck: ClosedOrdersCheck;
}

/** The process's one stock waker and closed-order check, on `client` (tests build theirs here too). */
export function createOrderServices(o: {
  client: Client;
  namespace: string;
  taskQueue: string;
  ledger: Pick<Ledger, 'ordersAwaiting'>;
  records: Pick<OrderRecords, 'statuses'>;
  log: Logger;
  signalTimeoutMs?: number;
}): OrderServices {
  return {
    stockWaker: createStockWaker({ client: o.client, taskQueue: o.taskQueue, log: o.log, findWaiting: (sku) => o.ledger.ordersAwaiting(sku), signalTimeoutMs: o.signalTimeoutMs }),
    closedOrdersCheck: createRecordClosedCheck(o.records, createClosedOrdersCheck(o.client, o.namespace)),
  };
}

export async function connectCoreServices(config: Config, log: Logger): Promise<CoreServices> {
  const knex = createKnex(config.databaseUrl, config.databasePoolMax);
  await prepareSecrets(knex, config, log);
  const ledger = createLedger(knex);
  const records = createRecordsWithEvents(knex, config.cursorSecret);
  const connection = await Connection.connect(connectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.security.encryptionKeys) });
  const services = createOrderServices({ client, namespace: config.temporal.namespace, taskQueue: config.taskQueue, ledger, records, log });
  return {
    knex,
    ledger,
    records,
    returns: createReturnRecords(knex, records),
    stockMotion: createStockMotionRecords(knex, config.cursorSecret),
    connection,
    client,
    ...services,
    async close() {
      await services.stockWaker.drain();
      await closeQuietly(log, 'temporal connection', () => connection.close());
      await closeQuietly(log, 'database pool', () => knex.destroy());
    },
  };
}
