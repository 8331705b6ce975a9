/**
 * Per-request context (request id, logger bound to it, caller's role), kept in
 * `res.locals` so no global type augmentation of express is needed. The request log line
 * is pino-http's, on the process's one logger.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Role } from '../config/config';
import type { Principal } from '../domain/principal';
import { silentLogger, wrapPino, type Logger } from '../platform/logger';
import { keyFingerprint } from './key-fingerprint';

export interface RequestContext {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware; undefined when auth is off or the route is public. */
  role?: Role;
  /** Set by the auth middleware on every non-public route (the auth-off principal when API_KEYS is unset). */
  principal?: Principal;
}

const KEY = 'fulfillmentContext';

export function requestContext(res: Response): RequestContext {
  const ctx = res.locals[KEY] as RequestContext | undefined;
  return ctx ?? { requestId: 'unknown', log: silentLogger };
}

/** A client-supplied id is honoured when it is short and plain; otherwise we make one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Which key a request presented, by its fingerprint (docs/design.md §20): never the key. */
const keyOf = (req: IncomingMessage): string | undefined => {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? keyFingerprint(match[1]) : undefined;
};

const pathOf = (req: IncomingMessage): string => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];

/** Assigns the request id, echoes it, and logs one line per finished (or aborted) request. */
export function requestLogging(logger: Logger): RequestHandler {
  const roleOf = (res: ServerResponse) => requestContext(res as Response).role;
  const httpLogger = pinoHttp({
    logger: logger.pino,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req, res) => {
      const incoming = req.headers[REQUEST_ID_HEADER.toLowerCase()];
      const requestId = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, requestId);
      return requestId;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 || !res.writableFinished ? 'warn' : 'info'),
    customSuccessMessage: (_req, res) => (res.writableFinished ? 'request' : 'request aborted by client'),
    customErrorMessage: () => 'request',
    // Our own fields instead of pino-http's req/res dumps: the line stays short and has no headers (keys).
    customSuccessObject: (req, res, val: { responseTime: number }) => ({
      method: req.method,
      path: pathOf(req),
      status: res.statusCode,
      durationMs: val.responseTime,
      role: roleOf(res),
      keyFingerprint: keyOf(req),
    }),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => ({
      method: req.method,
      path: pathOf(req),
      status: res.statusCode,
      durationMs: val.responseTime,
      role: roleOf(res),
      keyFingerprint: keyOf(req),
    }),
  });
  return (req, res, next) => {
    httpLogger(req, res);
    res.locals[KEY] = { requestId: String(req.id), log: wrapPino(req.log) } satisfies RequestContext;
    next();
  };
}
