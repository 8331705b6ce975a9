import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_LINE_QUANTITY } from '../domain/limits';
import type { OrderTimeouts } from '../domain/types';
import { parseDuration } from './duration';
import { INTEGRATION_SHAPE, integrationConfig, type IntegrationConfig } from './integration';
import { SECURITY_SHAPE, securityConfig, type SecurityConfig } from './security';
import { RATE_LIMIT_SHAPE, rateLimitConfig, type RateLimitConfig } from './rate-limits';
import { destinationProblem, OUTBOUND_SHAPE, outboundConfig, type OutboundConfig } from './outbound';
import { keyFingerprint } from '../api/key-fingerprint';
import { authFailuresPerMinute, HYGIENE_SHAPE } from './hygiene';
import { MALLOC_SHAPE } from './malloc';
import { ROLES, type KeyScope, type Role } from '../domain/principal';
import { apiKeysSchema } from './api-keys';
import { SECRETS_SHAPE, secretsConfig, type SecretsConfig } from './secrets';

export { ROLES, type Role };
export type AdapterMode = 'simulated' | 'manual';

const duration = (fallback: string, allowZero = false) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 0 || (ms === 0 && !allowZero)) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 90s, 15m, 24h or 7d` });
        return z.NEVER;
      }
      return ms;
    });

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const url = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => URL.canParse(v), { message: 'is not a URL' });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/fulfillment').refine((v) => /^postgres(ql)?:/.test(v), {
    message: 'must be a postgres:// URL',
  }),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: url('http://localhost:8233'),
  TEMPORAL_TLS: bool(false),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: port(8233),
  TASK_QUEUE: z.string().min(1).default('fulfillment'),
  PORT: port(3000),
  API_KEYS: apiKeysSchema,
  WAREHOUSE_MODE: z.enum(['simulated', 'manual']).default('simulated'),
  CARRIER_MODE: z.enum(['simulated', 'manual']).default('simulated'),
  SIMULATED_DELAY: duration('2s', true),
  BACKORDER_TIMEOUT: duration('72h'),
  PICK_TIMEOUT: duration('24h'),
  PACK_TIMEOUT: duration('24h'),
  DELIVERY_TIMEOUT: duration('14d'),
  ATTENTION_TIMEOUT: duration('72h'),
  RETURN_TIMEOUT: duration('30d'),
  TRANSFER_TIMEOUT: duration('14d'),
  PROMISE_INTERVAL: duration('2s'),
  REAPER_INTERVAL: duration('30s'),
  CURSOR_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SHUTDOWN_GRACE: duration('30s'),
  METRICS_PORT: port(9464),
  METRICS_SOURCES: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((u) => u.trim()).filter(Boolean))
    .refine((urls) => urls.every((u) => URL.canParse(u)), { message: 'must be comma-separated URLs' }),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  IDEMPOTENCY_RETENTION: duration('30d'),
  IDEMPOTENCY_CLEANUP_INTERVAL: duration('1h'),
  WEBHOOK_POLL_INTERVAL: duration('1s'),
  WEBHOOK_DELIVERY: z.enum(['on', 'off']).default('on'),
  WEBHOOK_RETRY_HORIZON: duration('24h'),
  WEBHOOK_RETRY_BASE: duration('10s'),
  WEBHOOK_RETRY_MAX: duration('1h'),
  AVAILABILITY_EVENT_WINDOW: duration('2s'),
  COUNT_AUTO_APPROVE_UNITS: z.coerce.number().int().min(0).max(1_000_000).default(5),
  COUNT_MAX_AGE: duration('7d'),
  // docs/design.md §19: 10,000 idle orders in 500 MB; memory follows the cache, so both are bounded.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  WORKER_WORKFLOW_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(256),
  MAX_UNITS_PER_ORDER: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  MAX_UNITS_PER_LINE: z.coerce.number().int().min(1).max(MAX_LINE_QUANTITY, `must be at most ${MAX_LINE_QUANTITY} (the ledger's line maximum)`).default(MAX_LINE_QUANTITY),
  ...SECURITY_SHAPE,
  ...INTEGRATION_SHAPE,
  ...RATE_LIMIT_SHAPE,
  ...SECRETS_SHAPE,
  ...OUTBOUND_SHAPE,
  ...HYGIENE_SHAPE,
  ...MALLOC_SHAPE,
});

type Parsed = z.output<typeof schema>;

export type { OrderTimeouts };

export interface Config {
  nodeEnv: Parsed['NODE_ENV'];
  databaseUrl: string;
  databasePoolMax: number;
  temporal: {
    address: string;
    namespace: string;
    uiUrl: string;
    uiPort: number;
    tls: boolean;
    apiKey?: string;
    cliPath?: string;
  };
  taskQueue: string;
  port: number;
  apiKeys: Map<string, Role>;
  /** The scope of each scoped system key in API_KEYS (docs/design.md §20); unscoped keys are absent. */
  apiKeyScopes: Map<string, KeyScope>;
  warehouseMode: AdapterMode;
  carrierMode: AdapterMode;
  simulatedDelayMs: number;
  timeouts: OrderTimeouts;
  /** How long an authorized return waits for its parcel before it expires (docs/design.md §13). */
  returns: { timeoutMs: number };
  /** How long a transfer may be in transit before it needs attention (docs/design.md §15). */
  transfers: { timeoutMs: number };
  /** How often promise dates are recomputed (docs/design.md §15: within 5 s of a change). */
  promiseIntervalMs: number;
  reaperIntervalMs: number;
  shutdownGraceMs: number;
  /** Where the Temporal runtime serves its Prometheus metrics (0 = not at all). */
  metricsPort: number;
  /** Worker metrics endpoints the API's /metrics appends (comma-separated URLs). */
  metricsSources: string[];
  logLevel: Parsed['LOG_LEVEL'];
  /** How long ledger idempotency records are kept, and how often expired ones are deleted. */
  idempotency: { retentionMs: number; cleanupIntervalMs: number };
  /** Dispatcher poll, the retry backoff (first wait, longest wait, how long in all), the available_changed coalescing window. */
  /** `deliver: false` (WEBHOOK_DELIVERY=off): events are recorded, nothing is sent. */
  webhooks: { deliver: boolean; pollIntervalMs: number; retryBaseMs: number; retryMaxMs: number; retryHorizonMs: number; availabilityWindowMs: number };
  security: SecurityConfig;
  /** Signs GET /orders cursors; every API replica needs the same one. */
  cursorSecret: string;
  /** Warehouses and the carrier over HTTP (docs/design.md §10). */
  integration: IntegrationConfig;
  /** SECRETS_KEY, SIGNING_SECRET_GRACE, CARRIER_SECRET (docs/design.md §20). */
  secrets: SecretsConfig;
  /** Where outbound requests (webhooks, warehouses, the carrier) may connect (docs/design.md §20). */
  outbound: OutboundConfig;
  /** AUTH_FAILURES_PER_MINUTE: 401s per client address per minute before its key-bearing requests get 429 (0 = unlimited). */
  authFailuresPerMinute: number;
  /** The most units one order, and one of its lines, may ask for: at intake and in edits. */
  limits: UnitLimits;
  /** Counts (docs/design.md §16): the largest |variance| applied without an admin, and how old countedAt may be. */
  counts: { autoApproveUnits: number; maxAgeMs: number };
  /** The worker's sticky workflow cache (Worker option maxCachedWorkflows): memory against replays. */
  workerMaxCachedWorkflows: number;
  /** The V8 heap limit of the worker's workflow thread, in MB (worker/workflow-heap.ts). */
  workerWorkflowHeapMb: number;
  /** Write requests per minute per caller, by role (docs/rate-limits.md). */
  rateLimits: RateLimitConfig;
}

export interface UnitLimits {
  maxUnitsPerOrder: number;
  maxUnitsPerLine: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** The only place that reads the environment; everything else receives a Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = result.data;
  const production = productionProblems(e);
  if (production.length > 0) throw new ConfigError(production);
  const integration = integrationConfig(e);
  if (Array.isArray(integration)) throw new ConfigError(integration);
  const secrets = secretsConfig(e);
  const outbound = outboundConfig(e);
  const carrierProblem = e.CARRIER_URL === undefined ? undefined : destinationProblem(e.CARRIER_URL, outbound);
  if (carrierProblem) throw new ConfigError([`CARRIER_URL: ${carrierProblem}`]);
  if (e.WEBHOOK_RETRY_BASE > e.WEBHOOK_RETRY_MAX) throw new ConfigError(['WEBHOOK_RETRY_BASE: must not be longer than WEBHOOK_RETRY_MAX']);
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, ''),
      uiPort: e.TEMPORAL_UI_PORT,
      tls: e.TEMPORAL_TLS || e.TEMPORAL_API_KEY !== undefined,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
    },
    taskQueue: e.TASK_QUEUE,
    port: e.PORT,
    apiKeys: new Map([...e.API_KEYS].map(([key, grant]) => [key, grant.role])),
    apiKeyScopes: new Map([...e.API_KEYS].flatMap(([key, grant]) => (grant.scope ? [[key, grant.scope] as const] : []))),
    warehouseMode: e.WAREHOUSE_MODE,
    carrierMode: e.CARRIER_MODE,
    simulatedDelayMs: e.SIMULATED_DELAY,
    timeouts: {
      backorderMs: e.BACKORDER_TIMEOUT,
      pickMs: e.PICK_TIMEOUT,
      packMs: e.PACK_TIMEOUT,
      deliveryMs: e.DELIVERY_TIMEOUT,
      attentionMs: e.ATTENTION_TIMEOUT,
    },
    returns: { timeoutMs: e.RETURN_TIMEOUT },
    transfers: { timeoutMs: e.TRANSFER_TIMEOUT },
    promiseIntervalMs: e.PROMISE_INTERVAL,
    reaperIntervalMs: e.REAPER_INTERVAL,
    shutdownGraceMs: e.SHUTDOWN_GRACE,
    metricsPort: e.METRICS_PORT,
    metricsSources: e.METRICS_SOURCES,
    logLevel: e.LOG_LEVEL,
    idempotency: { retentionMs: e.IDEMPOTENCY_RETENTION, cleanupIntervalMs: e.IDEMPOTENCY_CLEANUP_INTERVAL },
    webhooks: {
      deliver: e.WEBHOOK_DELIVERY === 'on',
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL,
      retryBaseMs: e.WEBHOOK_RETRY_BASE,
      retryMaxMs: e.WEBHOOK_RETRY_MAX,
      retryHorizonMs: e.WEBHOOK_RETRY_HORIZON,
      availabilityWindowMs: e.AVAILABILITY_EVENT_WINDOW,
    },
    security: securityConfig({ ...e, authOn: e.API_KEYS.size > 0, temporalUiUrl: e.TEMPORAL_UI_URL }),
    // Development only (production requires CURSOR_SECRET): a secret derived from the database
    // URL makes forged cursors fail fast, but anyone holding cursors could test password guesses.
    cursorSecret: e.CURSOR_SECRET ?? createHash('sha256').update(`order-list-cursor:${e.DATABASE_URL}`).digest('hex'),
    integration,
    secrets,
    outbound,
    authFailuresPerMinute: authFailuresPerMinute(e),
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    workerWorkflowHeapMb: e.WORKER_WORKFLOW_HEAP_MB,
    limits: { maxUnitsPerOrder: e.MAX_UNITS_PER_ORDER, maxUnitsPerLine: e.MAX_UNITS_PER_LINE },
    counts: { autoApproveUnits: e.COUNT_AUTO_APPROVE_UNITS, maxAgeMs: e.COUNT_MAX_AGE },
    rateLimits: rateLimitConfig(e),
  };
}

/** API keys shorter than this are refused in production (docs/design.md §20). */
export const MIN_PRODUCTION_KEY_LENGTH = 32;

/** What NODE_ENV=production requires beyond the schema (docs/design.md §20, "Hygiene"), each naming its variable. */
function productionProblems(e: Parsed): string[] {
  if (e.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (e.API_KEYS.size === 0) problems.push('API_KEYS: required when NODE_ENV=production (format key1:system,key2:support)');
  const short = [...e.API_KEYS.keys()].map((key, i) => ({ key, i })).filter(({ key }) => key.length < MIN_PRODUCTION_KEY_LENGTH);
  if (short.length > 0) {
    const which = short.map(({ key, i }) => `entry ${i + 1} (${keyFingerprint(key)})`).join(', ');
    problems.push(`API_KEYS: keys must be at least ${MIN_PRODUCTION_KEY_LENGTH} characters when NODE_ENV=production; too short: ${which} (e.g. \`openssl rand -hex 24\`)`);
  }
  if (e.SECRETS_KEY === undefined) {
    problems.push('SECRETS_KEY: required when NODE_ENV=production (32 bytes in base64, e.g. `openssl rand -base64 32`): webhook and warehouse signing secrets are stored encrypted with it');
  }
  if (e.CURSOR_SECRET === undefined) problems.push('CURSOR_SECRET: required when NODE_ENV=production (at least 16 characters, the same on every API replica, e.g. `openssl rand -hex 32`)');
  return problems;
}

/** The variables loadConfig reads: compose validation checks against this list. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
