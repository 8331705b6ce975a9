/**
 * The express app factory: every dependency injected, nothing read from the
 * environment. The composition root (app/api.ts, for api/main.ts and cli/start.ts) wires it
 * to the real services.
 */
import express from 'express';
import type { Knex } from 'knex';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/config';
import type { ClosedOrdersCheck, Ledger } from '../ledger/types';
import { keyStore } from './auth';
import { errorHandler, serviceUnavailable, unknownRoute } from './errors';
import { createLogger, type Logger } from '../platform/logger';
import type { StockWaker } from '../clients/stock-waker';
import { OrderGateway } from './order-gateway';
import { OrderStore } from './order-store';
import { createReturnRecords, type OrderRecords, type ReturnRecords, type StockMotionRecords } from '../orders';
import { warehouseSecretStore } from '../integrations/stored-secrets';
import { ReturnService } from './return-service';
import { returnRoutes } from './routes/returns';
import { PurchaseOrderService } from './purchase-order-service';
import { stockInMotion } from '../orders/supply';
import { createPromiseStore } from '../orders/promises';
import { TransferService } from './transfer-service';
import { purchaseOrderRoutes } from './routes/purchase-orders';
import { transferRoutes } from './routes/transfers';
import { requestLogging } from './request-context';
import { methodNotAllowed, mountRoute, staticMethodNotAllowed, type AnyRoute } from './route';
import { catalogRoutes } from './routes/catalog';
import { docRoutes } from './routes/docs';
import { buildOpenApiDocument } from './openapi';
import { editRoutes } from './routes/edits';
import { eventRoutes } from './routes/events';
import { holdRoutes } from './routes/holds';
import { healthRoutes } from './routes/health';
import { inventoryRoutes } from './routes/inventory';
import { metricsRoutes } from './routes/metrics';
import { createApiMetrics } from './metrics';
import { orderRoutes } from './routes/orders';
import { channelRoutes } from './routes/channels';
import { channelOrderTerms } from '../channels/store';
import { webhookRoutes } from './routes/webhooks';
import { EncryptionCodec } from '../platform/payload-codec';
import { CODEC_PATH, codecServer } from './codec-server';
import { securityHeaders, writeRateLimit } from './security-middleware';
import { whoamiRoutes } from './routes/whoami';
import { authOffGuards } from './auth-off';
import { authFailureLimit } from './auth-failures';
import { CONSOLE_PATH, consoleAssets, defaultConsoleDir } from './console-assets';
import { DOCS_ASSETS_PATH, docsAssets } from './docs-page';
import { countRoutes } from './routes/counts';
import { createCountRecords } from '../orders/counts';
import { createCursorCodec } from '../orders/cursor';

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
  /** For the reconciliation's "no held stock of a closed order" check (app/services.ts builds it). */
  closedOrdersCheck: ClosedOrdersCheck;
  /** Default: JSON lines on stdout at config.logLevel. */
  logger?: Logger;
  timeouts?: AppTimeouts;
  /** Wakes the orders awaiting a received SKU (the process's one, app/services.ts; drained at shutdown). */
  stockWaker: StockWaker;
  /** Prometheus endpoints (Temporal runtime of a worker) whose text GET /metrics appends. */
  metricsSources?: string[];
  /** The returns in the order records; default: on `knex` and `records`. */
  returns?: ReturnRecords;
  /** The pool the ledger runs on: webhooks and channels read and write through it. */
  knex?: Knex;
  /** The built console (index.html and assets/); default dist/console. */
  consoleDir?: string;
  /** Purchase-order and transfer records (docs/design.md §15; app/services.ts builds them); without them those routes answer 503. */
  stockMotion?: StockMotionRecords;
}

export function createApp(deps: AppDeps): express.Express {
  const { config, ledger, client } = deps;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, base: { service: 'api' } });
  const namespace = client.options.namespace ?? config.temporal.namespace;
  const gateway = new OrderGateway(client, {
    namespace,
    taskQueue: config.taskQueue,
    uiUrl: config.temporal.uiUrl,
    queryTimeoutMs: deps.timeouts?.queryMs ?? 5_000,
    updateTimeoutMs: deps.timeouts?.updateMs ?? 30_000,
    rpcTimeoutMs: deps.timeouts?.rpcMs ?? 10_000,
  });
  const promiseStore = deps.knex ? createPromiseStore(deps.knex) : undefined;
  const store = new OrderStore({ records: deps.records, gateway, promiseOf: promiseStore ? (id) => promiseStore.get(id) : undefined });
  const { closedOrdersCheck, stockWaker } = deps;

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

  const { stockMotion } = deps;
  const documentTimeouts = { client, rpcTimeoutMs: deps.timeouts?.rpcMs ?? 10_000, updateTimeoutMs: deps.timeouts?.updateMs ?? 30_000 };
  const purchaseOrders = new PurchaseOrderService({ ...documentTimeouts, records: stockMotion?.purchaseOrders ?? unavailable(), ledger, taskQueue: config.taskQueue });
  const transfers = new TransferService({ ...documentTimeouts, records: stockMotion?.transfers ?? unavailable(), ledger, taskQueue: config.taskQueue, timeoutMs: config.transfers.timeoutMs });

  const keys = keyStore(config.apiKeys, config.apiKeyScopes);
  if (!keys.enabled) {
    logger.warn('API authentication is OFF: API_KEYS is empty, every caller has every role (set API_KEYS=key:role,… to turn it on)');
  }

  const routes: AnyRoute[] = [
    ...whoamiRoutes({ keys }),
    ...healthRoutes({ ledger, gateway, timeoutMs: deps.timeouts?.healthMs ?? 2_000 }),
    ...orderRoutes({ config, gateway, store, channelTerms: (channel) => channelOrderTerms(db(), channel) }),
    ...eventRoutes({ gateway, store }),
    ...holdRoutes({ gateway, store }),
    ...editRoutes({ gateway, limits: config.limits, kits: (skus) => ledger.kits(skus) }),
    ...returnRoutes({ returns, store }),
    ...purchaseOrderRoutes({ purchaseOrders }),
    ...transferRoutes({ transfers }),
    ...catalogRoutes({
      ledger,
      integrationSecretSet: config.integration?.secret !== undefined,
      outbound: config.outbound,
      secrets: warehouseSecretStore(db, config.secrets?.key),
      signingGraceMs: config.secrets?.signingGraceMs ?? 86_400_000,
      integrationSecret: () => config.integration?.secret,
    }),
    ...inventoryRoutes({ ledger, stockWaker, closedOrdersCheck, motion: deps.knex ? (sku) => stockInMotion(db(), sku) : undefined }),
    ...webhookRoutes({ db, outbound: config.outbound, secretsKey: config.secrets.key }),
    ...channelRoutes({ db }),
  ];
  if (deps.knex) {
    const counts = createCountRecords(deps.knex, createCursorCodec(config.cursorSecret));
    routes.push(...countRoutes({ config, ledger, counts, client, stockWaker, logger, rpcTimeoutMs: deps.timeouts?.rpcMs ?? 10_000 }));
  }
  const metrics = createApiMetrics({ ledger, knex: deps.knex, sources: deps.metricsSources ?? config.metricsSources });
  routes.push(...metricsRoutes({ metrics }));
  routes.push(...docRoutes(() => routes));

  const app = express();
  // What GET /openapi.json serves, for the build that generates the console's API types (api/openapi-document.ts).
  app.locals.openApiDocument = (): Record<string, unknown> => buildOpenApiDocument(routes);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use(metrics.middleware);
  app.use(securityHeaders());
  // Auth off: only this machine's own names, and JSON writes only (docs/design.md §20).
  if (!keys.enabled) app.use(authOffGuards());
  // The UI's decode calls are reads in POST clothing: not counted as writes.
  app.use(writeRateLimit({ keys, limits: config.rateLimits, exempt: (req) => req.path.startsWith(CODEC_PATH) }));
  // Guessing keys: failed authentications per client address (docs/design.md §20).
  if (keys.enabled) app.use(authFailureLimit({ perMinute: config.authFailuresPerMinute ?? 0 }));
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

/** Without a pool the purchase-order and transfer routes answer 503. */
function unavailable<T extends object>(): T {
  return new Proxy({} as T, {
    get: () => async () => {
      throw serviceUnavailable('No database pool was given to the app (AppDeps.knex)');
    },
  });
}
