/**
 * The wiring every process entry shares (api/main.ts, worker/main.ts, cli/start.ts): the
 * Postgres pool and ledger, the Temporal client, an HTTP server that drains on shutdown, and
 * the signal handling that closes them in order. The worker's part is worker/worker-service.ts.
 */
import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/config';
import { createLedger } from '../ledger/ledger';
import type { Ledger } from '../ledger/types';
import { createReturnRecords, type OrderRecords, type ReturnRecords } from '../orders';
import { createRecordsWithEvents } from './order-records';
import { createKnex } from './database';
import { prepareSecrets } from './secrets-at-start';
import type { Logger } from './logger';
import { dataConverter } from './payload-codec';
import { connectionOptions } from './temporal-connection';

export interface CoreServices {
  knex: Knex;
  ledger: Ledger;
  records: OrderRecords;
  /** The returns kept in those records (DESIGN §13). */
  returns: ReturnRecords;
  connection: Connection;
  client: Client;
  /** Closes the Temporal connection and the pool (errors logged, never thrown). */
  close(): Promise<void>;
}

export async function connectCoreServices(config: Config, log: Logger): Promise<CoreServices> {
  const knex = createKnex(config.databaseUrl, config.databasePoolMax);
  await prepareSecrets(knex, config, log);
  const ledger = createLedger(knex);
  const records = createRecordsWithEvents(knex, config.cursorSecret);
  const connection = await Connection.connect(connectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.security.encryptionKeys) });
  return {
    knex,
    ledger,
    records,
    returns: createReturnRecords(knex, records),
    connection,
    client,
    async close() {
      await closeQuietly(log, 'temporal connection', () => connection.close());
      await closeQuietly(log, 'database pool', () => knex.destroy());
    },
  };
}

export interface HttpService {
  port: number;
  /** The address actually bound (127.0.0.1 when auth is off and no HOST was given). */
  host: string;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

export async function serveHttp(app: RequestListener, port: number, host: string, log: Logger): Promise<HttpService> {
  let stopping = false;
  const server = http.createServer((req, res) => {
    // While draining, tell keep-alive clients to reconnect (to another replica).
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    host: typeof address === 'object' && address ? address.address : host,
    async close(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        log.warn('grace period over: closing the remaining connections');
        server.closeAllConnections();
      }, graceMs);
      grace.unref();
      await closed;
      clearTimeout(grace);
    },
  };
}

/**
 * Runs `stop` once on the first SIGTERM/SIGINT (or a call of the returned function), then exits:
 * 0 when it finished, 1 when it threw or took longer than `forceAfterMs`.
 */
export function onShutdown(log: Logger, forceAfterMs: number, stop: (reason: string) => Promise<void>): (reason: string) => void {
  let stopping = false;
  const trigger = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { reason });
    setTimeout(() => {
      log.error('shutdown took too long: exiting', { forceAfterMs });
      process.exit(1);
    }, forceAfterMs).unref();
    stop(reason).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => trigger('SIGTERM'));
  process.on('SIGINT', () => trigger('SIGINT'));
  return trigger;
}

export async function closeQuietly(log: Logger, what: string, close: () => Promise<unknown>): Promise<void> {
  try {
    await close();
  } catch (err) {
    log.warn(`could not close the ${what}`, { err });
  }
}
