/**
 * With authentication off (no API_KEYS, development only; docs/design.md §20, "Auth off") every
 * caller is admin, so only this machine may be a caller — and a web page in its browser is on
 * this machine. Two checks keep such a page out:
 * - `Host` must be localhost, 127.0.0.1 or [::1] (any port): a page that re-points its own
 *   name at 127.0.0.1 (DNS rebinding) still sends its own name as Host;
 * - every write must be sent as application/json: a page can only send that cross-site after a
 *   CORS preflight, which this API never grants, while a plain form POST can go without one.
 */
import type { Request, RequestHandler } from 'express';
import { ApiError } from './errors';

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$/i;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isLocalHostHeader = (host: string | undefined): boolean => host !== undefined && LOCAL_HOST.test(host);

const isJson = (req: Request): boolean => {
  const type = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
};

export function authOffGuards(): RequestHandler {
  return (req, _res, next) => {
    if (!isLocalHostHeader(req.get('host'))) {
      return next(
        new ApiError(403, 'host_not_allowed', 'Authentication is off (API_KEYS unset): only requests to localhost, 127.0.0.1 or [::1] are served; set API_KEYS to serve other host names', {
          allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
        }),
      );
    }
    if (WRITES.has(req.method) && !isJson(req)) {
      const type = req.get('content-type');
      return next(
        new ApiError(
          415,
          'unsupported_media_type',
          `Authentication is off (API_KEYS unset): every ${req.method} must carry Content-Type: application/json, with a body or without${type ? ` (got "${type.slice(0, 100)}")` : ''}`,
        ),
      );
    }
    next();
  };
}
