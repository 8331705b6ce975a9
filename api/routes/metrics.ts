/** GET /metrics: Prometheus text for scrapers (any valid key when auth is on). */
import type { ApiMetrics } from '../metrics';
import { defineRoute, type AnyRoute } from '../route';

export function metricsRoutes(deps: { metrics: ApiMetrics }): AnyRoute[] {
  const route = defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'system',
    summary: 'Prometheus metrics',
    description:
      'HTTP and intake series of this API process, open reorder alerts, and the Temporal runtime series ' +
      '(SDK, order workflow and activity metrics) of the worker endpoints this process is pointed at.',
    access: 'metrics.read',
    responses: { 200: { description: 'Prometheus text exposition format 0.0.4', contentType: 'text/plain' } },
    async handler() {
      return { status: 200, body: await deps.metrics.render(), contentType: 'text/plain' };
    },
  });
  return [route] as AnyRoute[];
}
