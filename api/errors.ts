/**
 * The API's error vocabulary: every error response is `{ error, message, details? }`.
 * `toApiError` maps what the layers below throw (ledger, Temporal, Postgres, body parser)
 * onto it; `errorHandler` is the express error middleware that writes it.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { LedgerErrorCode } from '../ledger/types';
import { requestContext } from './request-context';
import { isTemporalUnavailable } from './temporal-errors';
import { ApiError, type ErrorBody } from './api-error';
import { temporalLimitError } from './temporal-limits';

export { ApiError, type ErrorBody };

export interface IssueDetail {
  /** Where the problem is: body, query, path or header. */
  in: 'body' | 'query' | 'path' | 'header';
  /** Dotted path inside that part (`lines.0.quantity`); empty for the part itself. */
  path: string;
  message: string;
  code?: string;
}

export const validationFailed = (details: IssueDetail[]): ApiError =>
  new ApiError(
    400,
    'validation_failed',
    details.length === 1
      ? `${details[0].in}${details[0].path ? `.${details[0].path}` : ''}: ${details[0].message}`
      : `${details.length} problems in the request`,
    details,
  );

export const notFound = (what: string, details?: unknown): ApiError => new ApiError(404, 'not_found', `${what} not found`, details);

export const serviceUnavailable = (message: string, details?: unknown): ApiError => new ApiError(503, 'service_unavailable', message, details);

/** Status codes for the ledger's refusals; see the README table in the report / openapi description. */
const LEDGER_ERRORS: Record<LedgerErrorCode, { status: number; code: string }> = {
  // A path resource that is missing is a 404 (routes check that themselves); a missing
  // entity *named in a body* is unprocessable: the request is well-formed but refers to nothing.
  UNKNOWN_SKU: { status: 422, code: 'unknown_sku' },
  UNKNOWN_WAREHOUSE: { status: 422, code: 'unknown_warehouse' },
  NO_ACTIVE_WAREHOUSE: { status: 422, code: 'no_active_warehouse' },
  INSUFFICIENT_STOCK: { status: 409, code: 'insufficient_stock' },
  IDEMPOTENCY_CONFLICT: { status: 409, code: 'idempotency_conflict' },
  INVALID_QUANTITY: { status: 400, code: 'invalid_quantity' },
  // The request is valid; the balance it would make is not (a receipt at the int4 ceiling).
  LEVEL_OUT_OF_RANGE: { status: 422, code: 'level_out_of_range' },
};

/** A refusal the API maps (LEDGER_ERRORS); duck-typed so it does not depend on one copy of the ledger's error class. */
function hasMappedLedgerCode(err: unknown): err is { code: LedgerErrorCode; message?: string; details?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code in LEDGER_ERRORS;
}

/** Node / pg / knex signs that PostgreSQL cannot be reached (as opposed to a bad query). */
function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: unknown; message?: string };
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(e.code)) return true;
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown / cannot connect now), 53300 (too many connections)
    if (/^08...$/.test(e.code) || /^57P0[123]$/.test(e.code) || e.code === '53300') return true;
  }
  return typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message);
}

/** The body parser's errors carry `type` and `status`. */
function bodyParserError(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null || typeof (err as { type?: unknown }).type !== 'string') return undefined;
  const e = err as { type: string; message: string; limit?: number; charset?: string; encoding?: string };
  switch (e.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'malformed_json', 'The request body is not valid JSON (an object is expected)');
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', `The request body exceeds the limit of ${e.limit ?? 102400} bytes`, { limit: e.limit });
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', `Unsupported charset "${e.charset}": send UTF-8 JSON`);
    case 'encoding.unsupported':
      return new ApiError(415, 'unsupported_media_type', `Unsupported content encoding "${e.encoding}"`);
    case 'request.aborted':
      return new ApiError(400, 'request_aborted', 'The request body was not received completely');
    case 'request.size.invalid':
      return new ApiError(400, 'bad_request', 'The request body length does not match Content-Length');
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new ApiError(500, 'internal_error', 'The request body could not be read');
    default:
      return undefined;
  }
}

/** What any thrown value means for the client. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const parsed = bodyParserError(err);
  if (parsed) return parsed;
  if (hasMappedLedgerCode(err)) {
    const mapped = LEDGER_ERRORS[err.code];
    return new ApiError(mapped.status, mapped.code, err.message || err.code, err.details);
  }
  if (err instanceof WorkflowNotFoundError) return notFound('Order');
  const limit = temporalLimitError(err);
  if (limit) return limit;
  if (isTemporalUnavailable(err)) return serviceUnavailable('Temporal is unreachable or did not answer in time; try again');
  if (isDatabaseUnavailable(err)) return serviceUnavailable('PostgreSQL is unreachable; try again');
  return new ApiError(500, 'internal_error', 'Internal error');
}

/** Express error middleware: the one place error responses are written. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const apiError = toApiError(err);
  const ctx = requestContext(res);
  const fields = { status: apiError.status, error: apiError.code, method: req.method, path: req.path };
  if (apiError.status === 500) ctx.log.error('request failed', { ...fields, err });
  // Our own 503s say all there is; a mapped one (Temporal/Postgres error) keeps the cause.
  else if (apiError.status >= 500) ctx.log.warn('request failed', { ...fields, message: apiError.message, ...(err === apiError ? {} : { err }) });
  else ctx.log.debug('request refused', { ...fields, message: apiError.message });
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
  const body = apiError.body();
  // A 500 names the request id so support can find the log line (which holds the stack).
  if (apiError.status === 500) body.details = { requestId: ctx.requestId };
  res.status(apiError.status).json(body);
};

/** The catch-all after every route. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

export const invalidCursor = (): ApiError =>
  new ApiError(400, 'invalid_cursor', 'cursor is not valid: pass the nextCursor of a previous page, with the same filters');
