/**
 * The webhook loops a worker process runs beside its Temporal worker: the dispatcher and
 * the availability watcher. Outside Temporal on purpose: an order never waits for them and
 * its history never grows because of them (see the README, "Webhooks and channels").
 */
import type { Knex } from 'knex';
import type { Config } from '../config/config';
import { startAvailabilityWatcher } from './availability-watcher';
import { startDispatcher, type DispatcherLog } from './dispatcher';
import type { OutboundClient } from '../integrations/outbound-http';

export interface WebhookLoops {
  stop(): Promise<void>;
}

export function startWebhookLoops(knex: Knex, config: Config['webhooks'] & { secretsKey?: Buffer }, log?: DispatcherLog, outbound?: OutboundClient): WebhookLoops {
  const dispatcher = config.deliver
    ? startDispatcher({ knex, secretsKey: config.secretsKey, pollIntervalMs: config.pollIntervalMs, retry: { baseDelayMs: config.retryBaseMs, maxDelayMs: config.retryMaxMs, horizonMs: config.retryHorizonMs }, log, outbound })
    : undefined;
  const watcher = startAvailabilityWatcher({ knex, windowMs: config.availabilityWindowMs, log });
  return {
    async stop() {
      await Promise.all([dispatcher?.stop(), watcher.stop()]);
    },
  };
}
