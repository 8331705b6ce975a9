/**
 * The receiving side of signed-post.ts: reads a request's body and checks its Standard Webhooks
 * signature with the reference implementation. The test and bench peers (webhook receivers, the
 * warehouse and carrier peer) all receive what signed-post.ts sends through it.
 */
import type { IncomingMessage } from 'node:http';
import type { Webhook } from 'standardwebhooks';

export interface SignedRequest {
  /** `webhook-id`: the message id, the same on every retry. */
  id: string;
  timestamp: string;
  raw: string;
  verified: boolean;
  /** The parsed body when the signature holds, else undefined. */
  body: unknown;
}

/**
 * For `readSignedRequest(...).then(handle, abandoned)` in a peer: a request its sender gave up on
 * mid-body (the read fails with `aborted`) has nothing to act on, and the sender counts its own
 * failure. Left unhandled, the rejection failed whichever test was running at that moment.
 */
export const abandoned = (): void => undefined;

export function readSignedRequest(req: IncomingMessage, verifier: Webhook): Promise<SignedRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let body: unknown;
      let verified = false;
      try {
        body = verifier.verify(raw, headers);
        verified = true;
      } catch {
        body = undefined;
      }
      resolve({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], raw, verified, body });
    });
  });
}
