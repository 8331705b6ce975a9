/**
 * The express app factory: every dependency injected, nothing read from the
 * environment. `api/main.ts` and `cli/start.ts` wire it to real services.
 */
import express from 'express';
import type { Knex } from 'knex';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/config';
import type { ClosedOrdersCheck, Ledger } from '../ledger/types';
import { createClosedOrdersCheck } from '../infra/workflow-state';
import { createRecordClosedCheck } from '../infra/record-closed-check';
import { keyStore } from './auth';
import { errorHandler, serviceUnavailable, unknownRoute } from './errors';
import { createLogger, type Logger } from '../infra/logger';
import { createStockWaker, type StockWaker } from '../infra/stock-waker';
import { OrderGateway } from './order-gateway';
import { OrderStore } from './order-store';
import { createReturnRecords, type OrderRecords, type ReturnRecords } from '../orders';
import { ReturnService } from './return-service';
import { returnRoutes } from './routes/returns';
import { requestLogging } from './request-context';
import { methodNotAllowed, mountRoute, staticMethodNotAllowed, type AnyRoute } from './route';
import { catalogRoutes } from './routes/catalog';
import { docRoutes } from './routes/docs';
import { editRoutes } from './routes/edits';
import { eventRoutes } from './routes/events';
import { holdRoutes } from './routes/holds';
import { healthRoutes } from './routes/health';
import { inventoryRoutes } from './routes/inventory';
import { metricsRoutes } from './routes/metrics';
import { createApiMetrics } from './metrics';
import { orderRoutes } from './routes/orders';
import { channelRoutes } from './routes/channels';
import { webhookRoutes } from './routes/webhooks';
import { EncryptionCodec } from '../infra/payload-codec';
import { CODEC_PATH, codecServer } from './codec-server';
import { securityHeaders, writeRateLimit } from './security-middleware';
import { whoamiRoutes } from './routes/whoami';
import { CONSOLE_PATH, consoleAssets, defaultConsoleDir } from './console-assets';
import { DOCS_ASSETS_PATH, docsAssets } from './docs-page';

export interface AppTimeouts {
  /** GET /orders/:id: how long to wait for a worker to answer the status query (default 5 s). */
  queryMs?: number;
  /** cancel / retry / events: how long to wait for the Update's result (default 30 s). */
  updateMs?: number;
  /** Other Temporal calls: start, describe, list, signal (default 10 s). */
  rpcMs?: number;
  /** GET /health: per dependency (default 2 s). */
  healthMs?: number;
}

export interface AppDeps {
  config: Config;
  ledger: Ledger;
  /** A Temporal client on config.temporal.namespace. */
  client: Client;
  /** The order records: GET /orders and GET /orders/:id read them; POST /orders writes one first. */
  records: OrderRecords;
  /** For the reconciliation's "no held stock of a closed order" check; default: asks Temporal. */
  closedOrdersCheck?: ClosedOrdersCheck;
  /** Alias of closedOrdersCheck. */
  isOrderClosed?: ClosedOrdersCheck;
  /** Default: JSON lines on stdout at config.logLevel. */
  logger?: Logger;
  timeouts?: AppTimeouts;
  /** Wakes the orders awaiting a received SKU; default: one on this client and ledger (pass your own to drain it at shutdown). */
  stockWaker?: StockWaker;
  /** Prometheus endpoints (Temporal runtime of a worker) whose text GET /metrics appends. */
  metricsSources?: string[];
  /** The returns in the order records; default: on `knex` and `records`. */
  returns?: ReturnRecords;
  /** The pool the ledger runs on: webhooks and channels read and write through it. */
  knex?: Knex;
  /** The built console (index.html and assets/); default dist/console. */
  consoleDir?: string;
}

export function createApp(deps: AppDeps): express.Express {
  const { config, ledger, client } = deps;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, base: { service: 'api' } });
  const namespace = client.options.namespace ?? config.temporal.namespace;
  const orders = new OrderGateway(client, {
    namespace,
    taskQueue: config.taskQueue,
    uiUrl: config.temporal.uiUrl,
    queryTimeoutMs: deps.timeouts?.queryMs ?? 5_000,
    updateTimeoutMs: deps.timeouts?.updateMs ?? 30_000,
    rpcTimeoutMs: deps.timeouts?.rpcMs ?? 10_000,
  });
  const store = new OrderStore({ records: deps.records, gateway: orders });
  const closedOrdersCheck = deps.closedOrdersCheck ?? deps.isOrderClosed ?? createRecordClosedCheck(deps.records, createClosedOrdersCheck(client, namespace));

  const stockWaker =
    deps.stockWaker ?? createStockWaker({ client, taskQueue: config.taskQueue, log: logger, findWaiting: (sku) => ledger.ordersAwaiting(sku), signalTimeoutMs: deps.timeouts?.rpcMs });

  const db = (): Knex => {
    if (!deps.knex) throw serviceUnavailable('No database pool was given to the app (AppDeps.knex)');
    return deps.knex;
  };

  const returnRecords = deps.returns ?? (deps.knex ? createReturnRecords(deps.knex, deps.records) : undefined);
  const returns = new ReturnService({
    client,
    returns: returnRecords ?? unavailableReturns(),
    ledger,
    taskQueue: config.taskQueue,
    returnTimeoutMs: config.returns.timeoutMs,
    rpcTimeoutMs: deps.timeouts?.rpcMs ?? 10_000,
    updateTimeoutMs: deps.timeouts?.updateMs ?? 30_000,
  });

  const keys = keyStore(config.apiKeys);
  if (!keys.enabled) {
    logger.warn('API authentication is OFF: API_KEYS is empty, every caller has every role (set API_KEYS=key:role,… to turn it on)');
  }

  const routes: AnyRoute[] = [
    ...whoamiRoutes({ keys }),
    ...healthRoutes({ ledger, orders, timeoutMs: deps.timeouts?.healthMs ?? 2_000 }),
    ...orderRoutes({ config, orders, store }),
    ...eventRoutes({ orders, store }),
    ...holdRoutes({ orders }),
    ...editRoutes({ orders, limits: config.limits }),
    ...returnRoutes({ returns }),
    ...catalogRoutes({ ledger, integrationSecretSet: config.integration?.secret !== undefined }),
    ...inventoryRoutes({ ledger, stockWaker, closedOrdersCheck }),
    ...webhookRoutes({ db }),
    ...channelRoutes({ db }),
  ];
  const metrics = createApiMetrics({ ledger, knex: deps.knex, sources: deps.metricsSources ?? config.metricsSources });
  routes.push(...metricsRoutes({ metrics }));
  routes.push(...docRoutes(() => routes));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders());
  // The UI's decode calls are reads in POST clothing: not counted as writes.
  app.use(writeRateLimit({ keys, limits: config.rateLimits, exempt: (req) => req.path.startsWith(CODEC_PATH) }));
  const { encryptionKeys, codecCorsOrigins } = config.security;
  app.use(CODEC_PATH, codecServer({ keys, codec: encryptionKeys.length ? new EncryptionCodec(encryptionKeys) : undefined, corsOrigins: codecCorsOrigins }));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(DOCS_ASSETS_PATH, docsAssets());
  app.use(CONSOLE_PATH, consoleAssets(deps.consoleDir ?? defaultConsoleDir()));
  app.use(staticMethodNotAllowed(routes));
  for (const route of routes) mountRoute(app, keys, route);
  app.use(methodNotAllowed(routes));
  app.use(unknownRoute);
  app.use(errorHandler);
  return app;
}

/** Without a pool the return routes answer 503, like webhooks and channels. */
function unavailableReturns(): ReturnRecords {
  const fail = async (): Promise<never> => {
    throw serviceUnavailable('No database pool was given to the app (AppDeps.knex)');
  };
  return { authorize: fail, find: fail, markReceived: fail, markExpired: fail };
}
