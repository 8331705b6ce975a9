/**
 * Webhook gauges read from the outbox at scrape time, so every API replica reports the
 * same numbers whichever worker delivered. One query per scrape serves all of them.
 */
import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';

interface Snapshot {
  pending: number;
  delivered: number;
  failed: number;
  oldest: number;
  failing: number;
}

export function registerWebhookGauges(registry: Registry, knex: Knex): void {
  let inflight: Promise<Snapshot> | undefined;
  // Gauges collect one after another in one scrape: share the query between them.
  const read = (): Promise<Snapshot> => {
    inflight ??= knex
      .raw<{ rows: Snapshot[] }>(
        `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8 AS oldest,
                (SELECT count(*) FROM webhook_subscriptions WHERE failures > 0)::int AS failing
           FROM webhook_deliveries`,
      )
      .then((r) => r.rows[0])
      .finally(() => setTimeout(() => (inflight = undefined), 1_000).unref());
    return inflight;
  };
  new Gauge({
    name: 'fulfillment_webhook_deliveries',
    help: 'Webhook deliveries by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      for (const status of ['pending', 'delivered', 'failed'] as const) this.set({ status }, s[status]);
    },
  });
  new Gauge({
    name: 'fulfillment_webhook_oldest_pending_seconds',
    help: 'Age of the oldest pending webhook delivery (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await read()).oldest);
    },
  });
  new Gauge({
    name: 'fulfillment_webhook_subscriptions_failing',
    help: 'Webhook subscriptions whose receiver is down, so paused but for one probe per backoff step',
    registers: [registry],
    async collect() {
      this.set((await read()).failing);
    },
  });
}
