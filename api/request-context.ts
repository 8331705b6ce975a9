/**
 * Per-request context (request id, logger bound to it, caller's role), kept in
 * `res.locals` so no global type augmentation of express is needed.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Role } from '../config/config';
import { silentLogger, type Logger } from './logger';

export interface RequestContext {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware; undefined when auth is off or the route is public. */
  role?: Role;
}

const KEY = 'fulfillmentContext';

export function requestContext(res: Response): RequestContext {
  const ctx = res.locals[KEY] as RequestContext | undefined;
  return ctx ?? { requestId: 'unknown', log: silentLogger };
}

/** A client-supplied id is honoured when it is short and plain; otherwise we make one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Assigns the request id, echoes it, and logs one line per finished request. */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    res.locals[KEY] = { requestId, log } satisfies RequestContext;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      const fields = { method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, durationMs, role: requestContext(res).role };
      if (res.statusCode >= 500) log.warn('request', fields);
      else log.info('request', fields);
    });
    res.on('close', () => {
      if (!res.writableFinished) log.warn('request aborted by client', { method: req.method, path: req.originalUrl.split('?')[0] });
    });
    next();
  };
}
