/**
 * The OpenAPI document exactly as GET /openapi.json serves it, built without a server, a
 * database or Temporal: the app is assembled on inert dependencies (a lazy Temporal connection
 * that no request ever uses, no ledger, records or pool) and asked for its document, so every
 * route the app mounts is in it. scripts/api-types.js turns it into the console's API types.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config';
import type { StockWaker } from '../clients/stock-waker';
import { silentLogger } from '../platform/logger';
import type { ClosedOrdersCheck, Ledger } from '../ledger/types';
import type { OrderRecords } from '../orders';
import { createApp } from './app';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection, namespace: 'default' });
  try {
    const app = createApp({ config: loadConfig({}), ledger: {} as Ledger, records: {} as OrderRecords, client, logger: silentLogger, closedOrdersCheck: (() => Promise.resolve(new Set<string>())) satisfies ClosedOrdersCheck, stockWaker: {} as StockWaker });
    return (app.locals.openApiDocument as () => Record<string, unknown>)();
  } finally {
    await connection.close();
  }
}
