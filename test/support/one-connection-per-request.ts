/**
 * Test clients open a connection per request. Node 20's global agent keeps sockets alive, and
 * supertest's `request(app)` listens on a fresh ephemeral port for each request and closes it
 * after: when a later request's server gets a port that a pooled socket still points at (its
 * FIN not yet read), the request is written into a closed connection and fails with a bare
 * `socket hang up` (ladjs/supertest#844, nodejs/node#47130) — the intermittent failure of
 * `webhooks.delivery` and `outbound-policy`. The product's clients have agents of their own
 * (integrations/outbound-http.ts, bench/http.ts) and are not touched.
 */
import http from 'node:http';

http.globalAgent = new http.Agent({ keepAlive: false });
