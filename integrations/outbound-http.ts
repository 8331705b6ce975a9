/**
 * The transport of every outbound request — webhooks, warehouses, the carrier (docs/design.md
 * §20, "Outbound destinations"): a POST through agents whose `lookup` refuses internal addresses
 * when the connection is made (so a name that resolves there, or is re-pointed there after
 * registration, fails the attempt: DNS rebinding gains nothing), redirects never followed, and
 * the answer read as a stream of at most `responseLimitBytes` — the rest is not read, the
 * connection is dropped. Knows nothing of signing or of what is sent.
 */
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { parseAddress, refusal, type AddressPolicy } from './address-policy';

export const DESTINATION_NOT_ALLOWED = 'destination_not_allowed';
/** A peer's answer is read up to this many bytes (docs/design.md §20). */
export const RESPONSE_LIMIT_BYTES = 4_096;

/** A host's addresses: dns.lookup's, or a test's. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundClientOptions {
  policy: AddressPolicy;
  /** Default: the system resolver (dns.lookup, all addresses). */
  resolve?: Resolver;
  responseLimitBytes?: number;
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface OutboundAnswer {
  status: number;
  /** At most the limit, decoded as UTF-8; undefined when empty. */
  body?: string;
  /** Bytes taken from the socket: the limit plus at most the chunk that crossed it. */
  bytesRead: number;
  /** The answer was longer than the limit and was cut off. */
  truncated: boolean;
}

export interface OutboundClient {
  post(request: OutboundRequest): Promise<OutboundAnswer>;
  /** Closes idle kept-alive sockets. */
  close(): void;
}

/** The destination's address is one the policy refuses. Permanent: no retry changes the policy. */
export class DestinationNotAllowedError extends Error {
  readonly code = DESTINATION_NOT_ALLOWED;
  constructor(host: string, kind: string, literal: boolean) {
    // The kind of address, not the address: the reason is kept where every role can read it.
    super(`${DESTINATION_NOT_ALLOWED}: ${literal ? `${host} is` : `${host} resolves to`} a ${kind} address`);
    this.name = 'DestinationNotAllowedError';
  }
}

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

function policedLookup(policy: AddressPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        // Every address must pass: one internal address among public ones is still a way in.
        for (const a of wanted) {
          const parsed = parseAddress(a.address);
          const kind = parsed ? refusal(parsed, policy) : 'unparsable';
          if (kind) return callback(new DestinationNotAllowedError(hostname, kind, false), '', 0);
        }
        if (options.all) (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

export function createOutboundClient(opts: OutboundClientOptions): OutboundClient {
  const limit = opts.responseLimitBytes ?? RESPONSE_LIMIT_BYTES;
  const lookup = policedLookup(opts.policy, opts.resolve ?? systemResolver);
  const agents = { 'http:': new http.Agent({ keepAlive: true, lookup }), 'https:': new https.Agent({ keepAlive: true, lookup }) };

  function post(r: OutboundRequest): Promise<OutboundAnswer> {
    return new Promise<OutboundAnswer>((resolve, reject) => {
      const url = new URL(r.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new Error(`unsupported protocol ${url.protocol}`));
      // A literal address never reaches `lookup` (the socket connects to it directly): judged here.
      const literal = parseAddress(url.hostname);
      const kind = literal && refusal(literal, opts.policy);
      if (kind) return reject(new DestinationNotAllowedError(url.hostname, kind, true));

      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, {
        method: 'POST',
        agent: agents[url.protocol],
        headers: { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) },
      });
      const fail = (err: Error) => {
        cleanup();
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), r.timeoutMs);
      const onAbort = () => fail(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (r.signal?.aborted) return onAbort();
      r.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        r.signal?.removeEventListener('abort', onAbort);
      };

      req.on('error', fail);
      req.on('response', (res) => {
        const kept: Buffer[] = [];
        let keptBytes = 0;
        let bytesRead = 0;
        const done = (truncated: boolean) => {
          cleanup();
          const body = Buffer.concat(kept).toString('utf8');
          resolve({ status: res.statusCode ?? 0, ...(body === '' ? {} : { body }), bytesRead, truncated });
        };
        res.on('data', (chunk: Buffer) => {
          bytesRead += chunk.length;
          const room = limit - keptBytes;
          if (chunk.length <= room) {
            kept.push(chunk);
            keptBytes += chunk.length;
            return;
          }
          kept.push(chunk.subarray(0, room));
          keptBytes = limit;
          // The rest is never read: the socket goes, and with it whatever the peer still sends.
          res.removeAllListeners('data');
          res.destroy();
          req.destroy();
          done(true);
        });
        res.on('end', () => done(false));
        res.on('error', (err) => (keptBytes >= limit ? undefined : fail(err)));
      });
      req.end(r.body);
    });
  }

  return {
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
