/**
 * Abuse limits and security headers for everything the API serves (JSON, /docs, a future
 * /console). Both run in process with no network at run time.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { KeyStore } from './auth';
import { ApiError } from './errors';

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
  /** Per minute; 0 turns the limiter off. */
  perMinute: number;
  /** Paths that are POSTs but not writes (the codec server's decode calls come in bursts from the UI). */
  exempt?: (req: Request) => boolean;
}

/**
 * Per caller: a valid API key counts as one caller wherever it comes from (hashed: the
 * limiter's store never holds a key); without a valid key (auth off, or a wrong key that
 * the route will refuse) the client address is the caller.
 */
function callerKey(keys: KeyStore, req: Request): string {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (keys.enabled && match && keys.roleOf(match[1]) !== undefined) return `key:${createHash('sha256').update(match[1]).digest('hex').slice(0, 32)}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

export function writeRateLimit(opts: WriteLimitOptions): RequestHandler {
  if (opts.perMinute <= 0) return (_req, _res, next) => next();
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit: opts.perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => !WRITES.has(req.method) || (opts.exempt?.(req) ?? false),
    keyGenerator: (req) => callerKey(opts.keys, req),
    handler: (req, _res, next) => {
      const resetAt = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + windowMs;
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      next(
        new ApiError(429, 'rate_limited', `More than ${opts.perMinute} write requests in a minute from this caller; retry in ${retryAfter} s`, { limit: opts.perMinute, retryAfterSeconds: retryAfter }, undefined, {
          'Retry-After': String(retryAfter),
        }),
      );
    },
  });
}
