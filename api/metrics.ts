/**
 * The API's Prometheus metrics: its own HTTP and intake series, gauges read from the
 * ledger at scrape time (so every replica reports the same truth), and the text of the
 * Temporal runtime endpoints it is pointed at (the worker's SDK, workflow and activity
 * metrics), so one scrape of /metrics shows the whole process in the all-in-one setup.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Knex } from 'knex';
import type { Ledger } from '../ledger/types';
import { registerWebhookGauges } from '../webhooks/metrics';

export interface ApiMetrics {
  middleware: RequestHandler;
  /** Prometheus text of our registry followed by each source's. */
  render(): Promise<string>;
}

export function createApiMetrics(deps: { ledger: Ledger; knex?: Knex; sources?: string[]; sourceTimeoutMs?: number }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fulfillment_api_' });

  const requests = new Counter({
    name: 'fulfillment_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'fulfillment_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'fulfillment_reorder_alerts_open',
    help: 'SKUs whose available total is at or below their reorder point',
    registers: [registry],
    async collect() {
      this.set((await deps.ledger.openAlerts()).length);
    },
  });

  if (deps.knex) registerWebhookGauges(registry, deps.knex);

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the URL: order ids must not become label values.
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };

  const fetchSource = async (url: string): Promise<string> => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(deps.sourceTimeoutMs ?? 2_000) });
      if (!res.ok) return `# source ${url} answered ${res.status}\n`;
      return await res.text();
    } catch (err) {
      return `# source ${url} unreachable: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  };

  return {
    middleware,
    async render() {
      const [own, ...others] = await Promise.all([registry.metrics(), ...(deps.sources ?? []).map(fetchSource)]);
      return [own, ...others].join('\n');
    },
  };
}
