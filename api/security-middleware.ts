/**
 * Abuse limits and security headers for everything the API serves (JSON, /docs, /console).
 * Both run in process with no network at run time.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { ipKeyGenerator } from 'express-rate-limit';
import type { RateClass, RateLimitConfig } from '../config/rate-limits';
import type { KeyStore } from './auth';
import { answeredFromRecord } from './answered-from-record';
import { ApiError } from './errors';
import { WriteBudgets } from './write-budget';

/**
 * helmet's headers with a CSP for same-origin pages: scripts and styles from the API's own
 * origin (the docs page also carries one inline <style> block and style attributes), no
 * framing, no plugins.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
}

const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

export interface WriteLimitOptions {
  keys: KeyStore;
  limits: RateLimitConfig;
  /** Paths that are POSTs but not writes (the codec server's decode calls come in bursts from the UI). */
  exempt?: (req: Request) => boolean;
  /** Default: a fresh set of buckets for this app. */
  budgets?: WriteBudgets;
}

/**
 * Who a write is counted for. A valid API key is one caller wherever it comes from (hashed:
 * the buckets never hold a key) with its role's figure; without one, the client address is the
 * caller: `anonymous` while keys are on (the route will refuse it anyway), and with auth off
 * the `system` figure, since every caller then acts with every role, the integrations' too.
 */
function callerOf(keys: KeyStore, req: Request): { id: string; rateClass: RateClass } {
  const address = `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
  if (!keys.enabled) return { id: address, rateClass: 'system' };
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(req.get('authorization') ?? '');
  const role = match ? keys.roleOf(match[1]) : undefined;
  if (role === undefined) return { id: address, rateClass: 'anonymous' };
  return { id: `key:${createHash('sha256').update(match![1]).digest('hex').slice(0, 32)}`, rateClass: role };
}

/**
 * Write limits per caller and role (docs/rate-limits.md): token buckets of a minute's figure,
 * refilled continuously; past it 429 `rate_limited` with `Retry-After`. A write the route
 * answered from the record (a repeated POST /orders or event) gets most of its cost back.
 */
export function writeRateLimit(opts: WriteLimitOptions): RequestHandler {
  const budgets = opts.budgets ?? new WriteBudgets();
  const { writesPerMinute, repeatCost } = opts.limits;
  return (req, res, next) => {
    if (!WRITES.has(req.method) || opts.exempt?.(req)) return next();
    const { id, rateClass } = callerOf(opts.keys, req);
    const perMinute = writesPerMinute[rateClass];
    if (perMinute <= 0) return next();
    const spent = budgets.spend(id, perMinute);
    res.setHeader('RateLimit-Policy', `${perMinute};w=60`);
    if (!spent.ok) {
      const retryAfter = spent.retryAfterSeconds;
      res.setHeader('RateLimit', `limit=${perMinute}, remaining=0, reset=${retryAfter}`);
      return next(
        new ApiError(
          429,
          'rate_limited',
          `More than ${perMinute} write requests a minute from this caller (${rateClass}); retry in ${retryAfter} s`,
          { limit: perMinute, role: rateClass, retryAfterSeconds: retryAfter },
          undefined,
          { 'Retry-After': String(retryAfter) },
        ),
      );
    }
    res.setHeader('RateLimit', `limit=${perMinute}, remaining=${spent.remaining}, reset=${Math.ceil(((perMinute - spent.remaining) * 60) / perMinute)}`);
    res.once('finish', () => {
      if (answeredFromRecord(res) && res.statusCode < 300) budgets.refund(id, perMinute, 1 - repeatCost);
    });
    next();
  };
}
