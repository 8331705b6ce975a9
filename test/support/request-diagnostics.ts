/**
 * A request a test sends through supertest that fails without an answer (a bare "socket hang up"
 * met fresh-clone CI runs a few times, cause not found) names itself in the failure: method, URL,
 * how long after sending, and the connection's ports, so the next one can be explained.
 * Loaded per test file (jest setupFiles share the file's module registry with the test).
 */
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { channel, subscribe } from 'node:diagnostics_channel';

const noting = Symbol.for('fulfillment.test.request-diagnostics');

type Callback = (err: (Error & { code?: string }) | null, res?: unknown) => void;
interface SupertestTest {
  method: string;
  url: string;
  req?: ClientRequest;
  end(fn?: Callback): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- supertest's Test class is not in its typed exports
const Test = require('supertest/lib/test.js') as { prototype: SupertestTest };
const end = Test.prototype.end;

Test.prototype.end = function (this: SupertestTest, fn?: Callback) {
  const sent = Date.now();
  return end.call(this, (err, res) => {
    if (err && !res && !('status' in err) && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
      const socket = this.req?.socket as (Socket & { diagnosed?: string }) | undefined;
      err.message += ` [${this.method} ${this.url}, ${Date.now() - sent} ms after sending, ${this.req?.reusedSocket ? 'reused' : 'fresh'} connection${socket?.diagnosed ?? ''}]`;
    }
    fn?.(err, res);
  });
};

// The ports are gone once the socket is destroyed: noted when it connects. The channel is
// process-wide while a setup file runs once per test file, in that file's own globals: the mark
// that it is subscribed goes on the channel, or every file would add a subscriber.
const started = channel('http.client.request.start') as ReturnType<typeof channel> & { [noting]?: true };
if (!started[noting]) {
  started[noting] = true;
  subscribe('http.client.request.start', (message) => {
    const socket = (message as { request: ClientRequest }).request.socket as (Socket & { diagnosed?: string }) | null;
    if (!socket || socket.diagnosed !== undefined) return;
    socket.diagnosed = '';
    const note = () => (socket.diagnosed = `, 127.0.0.1:${socket.localPort} → ${socket.remotePort}`);
    if (socket.connecting) socket.once('connect', note);
    else note();
  });
}
