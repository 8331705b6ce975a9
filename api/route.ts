/**
 * A route is declared once — method, path, who may call it, the zod schemas of its
 * parts, its documented responses and its handler — and that one declaration both
 * mounts it on express (auth → content type → JSON parse → validation → handler) and
 * describes it in the OpenAPI document. So the document cannot miss a route.
 */
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../config/config';
import type { Principal } from '../domain/principal';
import { admit, type Access, type KeyStore } from './auth';
import { ApiError, validationFailed, type IssueDetail } from './errors';
import type { Logger } from '../platform/logger';
import { requestContext } from './request-context';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  log: Logger;
  requestId: string;
  role?: Role;
  /** Who calls: role, scope, key fingerprint (admin `auth_off` when API_KEYS is unset; an anonymous ops principal on public routes). */
  principal: Principal;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Defaults to JSON; `text/html` and `text/plain` send `body` as a string. */
  contentType?: 'application/json' | 'text/html' | 'text/plain';
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: 'application/json' | 'text/html' | 'text/plain';
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** express syntax: `/orders/:orderId` */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The body may be absent (an absent body validates as `{}`). */
  bodyOptional?: boolean;
  /** Documents the Idempotency-Key header and what it does on this route. */
  idempotencyKey?: string;
  responses: Record<number, ResponseDoc>;
  // Method syntax on purpose: routes with different P/Q/B fit in one list.
  handler(ctx: RouteContext<P, Q, B>): Promise<Reply>;
}

/** Identity, for inference of P/Q/B from the schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

/** `/orders/:orderId` → `/orders/{orderId}` */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export const BODY_LIMIT = '100kb';

/** A public route's caller: the least a principal can be, so a public handler that used it would show nothing personal. */
const ANONYMOUS: Principal = { role: 'ops', key: 'anonymous' };

function zodIssues(where: IssueDetail['in'], error: z.ZodError): IssueDetail[] {
  const out: IssueDetail[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // One line per unknown field, each with its own path: clearer than "Unrecognized keys".
      for (const key of issue.keys) out.push({ in: where, path: [...base, key].join('.'), message: 'unknown field', code: 'unrecognized_key' });
      continue;
    }
    out.push({ in: where, path: base.join('.'), message: issue.message, code: issue.code });
  }
  return out;
}

function parsePart<T>(where: IssueDetail['in'], schema: z.ZodType<T> | undefined, value: unknown, issues: IssueDetail[]): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...zodIssues(where, result.error));
  return undefined as T;
}

/** POST/PUT bodies must be JSON; an empty body is allowed through (the schema decides). */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (!hasBody) return next();
  if (!req.is(['application/json', 'application/*+json'])) {
    const type = req.get('content-type');
    return next(
      new ApiError(415, 'unsupported_media_type', type ? `Content-Type "${type}" is not supported: send application/json` : 'A request body needs Content-Type: application/json'),
    );
  }
  next();
};

const jsonParser = express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });

function runHandler(route: AnyRoute): RequestHandler {
  return async (req, res) => {
    const issues: IssueDetail[] = [];
    const params = parsePart('path', route.params, { ...req.params }, issues);
    const query = parsePart('query', route.query, { ...(req.query as Record<string, unknown>) }, issues);
    let rawBody: unknown = req.body;
    if (rawBody === undefined && route.bodyOptional) rawBody = {};
    if (rawBody === undefined && route.body) {
      issues.push({ in: 'body', path: '', message: 'a JSON body is required', code: 'required' });
    }
    const body = rawBody === undefined ? undefined : parsePart('body', route.body, rawBody, issues);
    if (issues.length > 0) throw validationFailed(issues);
    const ctx = requestContext(res);
    const reply = await route.handler({ params, query, body, req, res, log: ctx.log, requestId: ctx.requestId, role: ctx.role, principal: ctx.principal ?? ANONYMOUS });
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.status(reply.status);
    if (reply.body === undefined) res.end();
    else if (reply.contentType === 'text/html') res.type('html').send(String(reply.body));
    // Prometheus' text exposition format names its version in the content type.
    else if (reply.contentType === 'text/plain') res.type('text/plain; version=0.0.4; charset=utf-8').send(String(reply.body));
    else res.json(reply.body);
  };
}

export function mountRoute(app: Express, keys: KeyStore, route: AnyRoute): void {
  const chain: RequestHandler[] = [admit(keys, route.access)];
  if (route.body) chain.push(requireJson, jsonParser);
  chain.push(runHandler(route));
  app[route.method](route.path, ...chain);
}

/** `/orders/:orderId` → a regex matching one path segment per parameter. */
const pathMatcher = (expressPath: string): RegExp =>
  new RegExp(`^${expressPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`);

/** The methods the routes serve at `path`: a path without parameters names its own routes only (`/inventory/receipts` is not an `/inventory/:sku`). */
function allowedMethods(routes: AnyRoute[]): (path: string) => { methods: Set<string>; static: boolean } {
  const matchers = routes.map((route) => ({ method: route.method.toUpperCase(), test: pathMatcher(route.path), static: !route.path.includes(':') }));
  return (path) => {
    const exact = matchers.filter((m) => m.static && m.test.test(path));
    const hits = exact.length > 0 ? exact : matchers.filter((m) => m.test.test(path));
    const methods = new Set(hits.map((m) => m.method));
    // express answers HEAD with the GET route.
    if (methods.has('GET')) methods.add('HEAD');
    return { methods, static: exact.length > 0 };
  };
}

const notAllowed = (method: string, path: string, allowed: Set<string>): ApiError => {
  const list = [...allowed].sort();
  const allow = list.join(', ');
  return new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path}; allowed: ${allow}`, { allowed: list }, undefined, { Allow: allow });
};

/**
 * Before every route: a path without parameters asked with a method it does not serve is 405
 * there and then, rather than falling through to a parameterised route of the same shape
 * (`GET /inventory/receipts` would otherwise be read as the levels of a SKU "receipts").
 */
export function staticMethodNotAllowed(routes: AnyRoute[]): RequestHandler {
  const allowedAt = allowedMethods(routes);
  return (req, _res, next) => {
    const { methods, static: isStatic } = allowedAt(req.path);
    if (!isStatic || methods.has(req.method)) return next();
    next(notAllowed(req.method, req.path, methods));
  };
}

/**
 * After every route: a path some route serves, asked with another method, is 405 with `Allow`
 * (docs/design.md §6) rather than the catch-all's 404.
 */
export function methodNotAllowed(routes: AnyRoute[]): RequestHandler {
  const allowedAt = allowedMethods(routes);
  return (req, _res, next) => {
    const { methods } = allowedAt(req.path);
    if (methods.size === 0) return next();
    next(notAllowed(req.method, req.path, methods));
  };
}
