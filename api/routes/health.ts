/** GET /health: are Temporal and PostgreSQL reachable? */
import type { Ledger } from '../../ledger/types';
import type { OrderGateway } from '../order-gateway';
import { defineRoute, type AnyRoute } from '../route';
import { healthSchema } from '../schemas';

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: { ledger: Ledger; gateway: OrderGateway; timeoutMs: number }): AnyRoute[] {
  const { ledger, gateway, timeoutMs } = deps;
  const health = defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    tag: 'system',
    summary: 'Temporal and PostgreSQL reachable?',
    description: `Each dependency gets ${timeoutMs} ms. No key needed.`,
    access: 'public',
    responses: {
      200: { description: 'Both reachable', schema: healthSchema },
      503: { description: 'At least one unreachable; the body names it (and carries error/message)', schema: healthSchema },
    },
    async handler({ log }) {
      const [postgres, temporal] = await Promise.all([probe(() => ledger.ping(), timeoutMs), probe(() => gateway.ping(timeoutMs), timeoutMs)]);
      if (postgres === 'ok' && temporal === 'ok') return { status: 200, body: { status: 'ok', temporal, postgres }, headers: { 'Cache-Control': 'no-store' } };
      const down = [temporal !== 'ok' ? 'Temporal' : undefined, postgres !== 'ok' ? 'PostgreSQL' : undefined].filter(Boolean).join(' and ');
      log.warn('health check failed', { temporal, postgres });
      return {
        status: 503,
        headers: { 'Cache-Control': 'no-store' },
        body: { status: 'unavailable', temporal, postgres, error: 'service_unavailable', message: `${down} unreachable` },
      };
    },
  });
  return [health] as AnyRoute[];
}
