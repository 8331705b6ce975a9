/**
 * Failed authentications per client address (docs/design.md §20, "Hygiene"): past
 * `perMinute` 401s from one address in a minute, its requests that present a key are answered
 * 429 with Retry-After until the minute is over, right or wrong key — so guessing keys (at
 * /whoami, say) costs a minute per handful. Only answers count: a burst of good requests is
 * never refused. IPv6 addresses count per /56, as the write limiter does.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { ApiError } from './errors';

export interface AuthFailureLimitOptions {
  /** 401s per address per minute; 0 turns the limit off. */
  perMinute: number;
  windowMs?: number;
  now?: () => number;
  /** The most addresses remembered at once; the oldest window goes first. */
  maxAddresses?: number;
}

export function authFailureLimit(opts: AuthFailureLimitOptions): RequestHandler {
  if (opts.perMinute <= 0) return (_req, _res, next) => next();
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const maxAddresses = opts.maxAddresses ?? 100_000;
  // Insertion order is window order: a window is (re)inserted when it starts.
  const failures = new Map<string, { count: number; resetAt: number }>();

  const current = (address: string, at: number) => {
    const entry = failures.get(address);
    if (entry && entry.resetAt > at) return entry;
    if (entry) failures.delete(address);
    return undefined;
  };

  return (req, res, next) => {
    const at = now();
    const address = ipKeyGenerator(req.ip ?? 'unknown');
    const entry = current(address, at);
    if (entry && entry.count >= opts.perMinute && req.get('authorization') !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((entry.resetAt - at) / 1000));
      return next(
        new ApiError(429, 'rate_limited', `More than ${opts.perMinute} failed authentications in a minute from this address; retry in ${retryAfter} s`, { limit: opts.perMinute, retryAfterSeconds: retryAfter }, undefined, {
          'Retry-After': String(retryAfter),
        }),
      );
    }
    res.on('finish', () => {
      if (res.statusCode !== 401) return;
      const t = now();
      const open = current(address, t);
      if (open) open.count++;
      else {
        failures.set(address, { count: 1, resetAt: t + windowMs });
        for (const oldest of failures.keys()) {
          if (failures.size <= maxAddresses) break;
          failures.delete(oldest);
        }
      }
    });
    next();
  };
}
