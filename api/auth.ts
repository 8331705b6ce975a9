/**
 * Bearer-key authentication and role checks (docs/design.md §6). Keys and roles come
 * from `config.apiKeys`; with no keys configured authentication is off.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Role } from '../config/config';
import { ApiError } from './errors';
import { requestContext } from './request-context';

/** Who may call a route: `public` needs no key. */
export type Access = 'public' | readonly Role[];

export const READ: readonly Role[] = ['system', 'support', 'ops', 'admin'];
export const ORDER_WRITE: readonly Role[] = ['system', 'admin'];
export const ORDER_SUPPORT: readonly Role[] = ['support', 'admin'];
/** Holds and releases: the systems that detect fraud or payment trouble, and support. */
export const ORDER_HOLD: readonly Role[] = ['system', 'support', 'admin'];
export const ADMIN: readonly Role[] = ['admin'];
/** Returns: support authorizes them, the warehouse systems report the parcels that arrive. */
export const RETURN_AUTHORIZE: readonly Role[] = ['support', 'admin'];
export const RETURN_RECEIVE: readonly Role[] = ['system', 'admin'];

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export interface KeyStore {
  enabled: boolean;
  /** The role of `presented`, comparing against every key in constant time. */
  roleOf(presented: string): Role | undefined;
}

export function keyStore(apiKeys: Map<string, Role>): KeyStore {
  // Fixed-length digests make timingSafeEqual applicable and hide the key lengths.
  const entries = [...apiKeys].map(([key, role]) => ({ digest: digest(key), role }));
  return {
    enabled: entries.length > 0,
    roleOf(presented) {
      const candidate = digest(presented);
      let found: Role | undefined;
      for (const entry of entries) {
        // No early exit: the time taken does not depend on which key matched.
        if (timingSafeEqual(entry.digest, candidate)) found = entry.role;
      }
      return found;
    },
  };
}

const CHALLENGE = 'Bearer realm="fulfillment"';

const unauthorized = (message: string, invalidToken: boolean) =>
  new ApiError(401, 'unauthorized', message, undefined, undefined, {
    'WWW-Authenticate': invalidToken ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE,
  });

/** The role of the key in an Authorization header; 401 (the ApiError) when there is none or it is unknown. */
export function roleFromHeader(keys: KeyStore, header: string | undefined): Role {
  if (header === undefined) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <key>"', false);
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match) throw unauthorized('The Authorization header must be "Bearer <key>"', true);
  const role = keys.roleOf(match[1]);
  if (role === undefined) throw unauthorized('Unknown API key', true);
  return role;
}

/** 401 without a valid key, 403 when the key's role may not call the route. */
export function authorize(keys: KeyStore, access: Access): RequestHandler {
  return (req, res, next) => {
    if (access === 'public' || !keys.enabled) return next();
    let role: Role;
    try {
      role = roleFromHeader(keys, req.get('authorization'));
    } catch (err) {
      return next(err);
    }
    requestContext(res).role = role;
    if (!access.includes(role)) {
      return next(new ApiError(403, 'forbidden', `The role "${role}" may not ${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`, { role, allowed: access }));
    }
    next();
  };
}
