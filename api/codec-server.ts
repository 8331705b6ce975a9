/**
 * The Temporal codec server (POST /codec/encode, POST /codec/decode), so the Temporal UI
 * and CLI can show encrypted payloads to the people allowed to see personal data
 * (support, admin). Protocol: a `Payloads` message as proto3 JSON in and out,
 * `{payloads: [{metadata: {k: base64}, data: base64}]}`; only the last path segment
 * decides encode or decode, so `/codec/<namespace>/decode` works too. The UI calls it from
 * its own origin, hence CORS (preflights carry no credentials, so they are answered
 * before authentication).
 */
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { admit, type KeyStore } from './auth';
import { ApiError, validationFailed } from './errors';

export const CODEC_PATH = '/codec';

/** Encrypted histories can be large: a page of events holds many payloads. */
const CODEC_BODY_LIMIT = '4mb';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })),
});

type JsonPayloads = z.infer<typeof payloadsSchema>;

const fromJson = (body: JsonPayloads): Payload[] =>
  body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  }));

const toJson = (payloads: Payload[]): JsonPayloads => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  })),
});

/** CORS for the listed origins only; answers preflights itself. */
function cors(origins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined && origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

function codecHandler(codec: PayloadCodec): RequestHandler {
  return async (req, res, next) => {
    try {
      const action = req.path.split('/').filter(Boolean).pop();
      if (action !== 'encode' && action !== 'decode') throw new ApiError(404, 'not_found', `No route for ${req.method} ${req.originalUrl}: use ${CODEC_PATH}/encode or ${CODEC_PATH}/decode`);
      const parsed = payloadsSchema.safeParse(req.body);
      if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ in: 'body' as const, path: i.path.join('.'), message: i.message, code: i.code })));
      const payloads = fromJson(parsed.data);
      const out = action === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      res.status(200).json(toJson(out));
    } catch (err) {
      // A payload under a key we do not hold, or tampered with: the caller's data, not our fault.
      if (!(err instanceof ApiError) && err instanceof Error && /key|auth|decrypt|too short/i.test(err.message)) {
        return next(new ApiError(422, 'undecodable_payload', err.message));
      }
      next(err);
    }
  };
}

export interface CodecServerDeps {
  keys: KeyStore;
  /** Undefined when PAYLOAD_ENCRYPTION_KEYS is not set: every codec path answers 404 saying so. */
  codec?: PayloadCodec;
  corsOrigins: readonly string[];
}

export function codecServer(deps: CodecServerDeps): Router {
  const router = express.Router();
  const { codec } = deps;
  if (!codec) {
    router.use((_req, _res, next) =>
      next(new ApiError(404, 'not_found', 'The codec server is off: PAYLOAD_ENCRYPTION_KEYS is not set, so payloads are not encrypted and need no decoding')),
    );
    return router;
  }
  router.use(cors(deps.corsOrigins));
  router.post(/.*/, admit(deps.keys, 'payload.decode'), express.json({ limit: CODEC_BODY_LIMIT, type: () => true }), codecHandler(codec));
  router.use((req, _res, next) => next(new ApiError(405, 'method_not_allowed', `${req.method} is not served here: POST ${CODEC_PATH}/encode or ${CODEC_PATH}/decode`)));
  return router;
}
