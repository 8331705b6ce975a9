/**
 * Bearer-key authentication (docs/design.md §6, §20): the key names a principal — role, scope,
 * fingerprint — and api/authorization.ts decides what it may do. Keys and roles come from
 * `config.apiKeys` / `config.apiKeyScopes`; with no keys configured authentication is off.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Role } from '../config/config';
import { AUTH_OFF_PRINCIPAL, type KeyScope, type Principal } from '../domain/principal';
import { decide, mayTake, type Action } from './authorization';
import { ApiError } from './errors';
import { keyFingerprint } from './key-fingerprint';
import { requestContext } from './request-context';

/**
 * Who may call a route: `public` needs no key; an action is decided by api/authorization.ts. A
 * list of roles (kept for routes written before the actions) admits unscoped keys of those roles
 * only: a scoped key reaches no route that does not name an action its scope grants.
 */
export type Access = 'public' | Action | readonly Role[];

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
  /** Role, scope and fingerprint of `presented`, or undefined for an unknown key. */
  principalOf(presented: string): Principal | undefined;
}

export function keyStore(apiKeys: Map<string, Role>, scopes: Map<string, KeyScope> = new Map()): KeyStore {
  // Fixed-length digests make timingSafeEqual applicable and hide the key lengths.
  const entries = [...apiKeys].map(([key, role]) => {
    const scope = scopes.get(key);
    const principal: Principal = scope ? { role, scope, key: keyFingerprint(key) } : { role, key: keyFingerprint(key) };
    return { digest: digest(key), principal };
  });
  const principalOf = (presented: string): Principal | undefined => {
    const candidate = digest(presented);
    let found: Principal | undefined;
    for (const entry of entries) {
      // No early exit: the time taken does not depend on which key matched.
      if (timingSafeEqual(entry.digest, candidate)) found = entry.principal;
    }
    return found;
  };
  return { enabled: entries.length > 0, principalOf, roleOf: (presented) => principalOf(presented)?.role };
}

const CHALLENGE = 'Bearer realm="fulfillment"';

const unauthorized = (message: string, invalidToken: boolean) =>
  new ApiError(401, 'unauthorized', message, undefined, undefined, {
    'WWW-Authenticate': invalidToken ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE,
  });

/** The principal of the key in an Authorization header; 401 (the ApiError) when there is none or it is unknown. */
export function principalFromHeader(keys: KeyStore, header: string | undefined): Principal {
  if (header === undefined) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <key>"', false);
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match) throw unauthorized('The Authorization header must be "Bearer <key>"', true);
  const principal = keys.principalOf(match[1]);
  if (principal === undefined) throw unauthorized('Unknown API key', true);
  return principal;
}

/** The role of the key in an Authorization header; 401 (the ApiError) when there is none or it is unknown. */
export function roleFromHeader(keys: KeyStore, header: string | undefined): Role {
  return principalFromHeader(keys, header).role;
}

/** The roles a route is open to, for its documentation. */
export function rolesOf(access: Exclude<Access, 'public'>): readonly Role[] {
  if (typeof access !== 'string') return access;
  return (['system', 'support', 'ops', 'admin'] as const).filter((role) => mayTake({ role, key: '' }, access));
}

/** Whether a route admits the principal at all (its resource is decided in the handler). */
export function admitted(principal: Principal, access: Exclude<Access, 'public'>): boolean {
  if (typeof access === 'string') return mayTake(principal, access);
  return principal.scope === undefined && access.includes(principal.role);
}

/** 401 without a valid key, 403 when the key may not call the route at all; sets the request's principal. */
export function admit(keys: KeyStore, access: Access): RequestHandler {
  return (req, res, next) => {
    if (access === 'public') return next();
    const ctx = requestContext(res);
    if (!keys.enabled) {
      ctx.principal = AUTH_OFF_PRINCIPAL;
      return next();
    }
    let principal: Principal;
    try {
      principal = principalFromHeader(keys, req.get('authorization'));
    } catch (err) {
      return next(err);
    }
    ctx.role = principal.role;
    ctx.principal = principal;
    if (!admitted(principal, access)) {
      const message = typeof access === 'string' ? (decide(principal, access) as { message: string }).message : `The role "${principal.role}" may not ${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
      return next(new ApiError(403, 'forbidden', message, { role: principal.role, allowed: rolesOf(access) }));
    }
    next();
  };
}
