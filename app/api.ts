/** The API of a process (api/main.ts, cli/start.ts) on the services of the composition root. */
import type express from 'express';
import { createApp, type AppDeps } from '../api/app';
import type { Config } from '../config/config';
import type { Logger } from '../platform/logger';
import type { CoreServices } from './services';

export function composeApi(config: Config, core: CoreServices, logger: Logger, extra: Partial<AppDeps> = {}): express.Express {
  return createApp({
    config,
    ledger: core.ledger,
    records: core.records,
    returns: core.returns,
    stockMotion: core.stockMotion,
    knex: core.knex,
    client: core.client,
    stockWaker: core.stockWaker,
    closedOrdersCheck: core.closedOrdersCheck,
    logger,
    ...extra,
  });
}
