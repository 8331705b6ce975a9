/**
 * The data-protection and safe-default variables (docs/design.md §14): their zod schemas,
 * merged into config/config.ts's one schema, and the derived section of the Config.
 * Nothing here reads the environment.
 */
import { z } from 'zod';

export interface EncryptionKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

export interface SecurityConfig {
  /** PAYLOAD_ENCRYPTION_KEYS: the first encrypts, all decrypt; empty = payloads are not encrypted. */
  encryptionKeys: EncryptionKey[];
  /** Origins allowed to call the codec server from a browser (the Temporal UI). */
  codecCorsOrigins: string[];
  /** The address the HTTP server binds, and why that one. */
  host: string;
  hostReason: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const encryptionKeysSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const keys: EncryptionKey[] = [];
    if (value === undefined || value.trim() === '') return keys;
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at);
      // Never echo key material: name the entry by its id (or position) only.
      const name = at > 0 ? `"${id}"` : `#${keys.length + 1}`;
      const b64 = entry.slice(at + 1);
      const key = Buffer.from(b64, 'base64');
      if (at <= 0 || !KEY_ID.test(id)) {
        ctx.addIssue({ code: 'custom', message: `entry ${name} must be id:base64key with an id of letters, digits, . _ -` });
        return z.NEVER;
      }
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: `key ${name} must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes` });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id ${name} appears twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  });

export const originsSchema = z
  .string()
  .optional()
  .transform((v) => (v === undefined ? undefined : v.split(',').map((o) => o.trim()).filter(Boolean)))
  .refine((list) => list === undefined || list.every((o) => URL.canParse(o) && new URL(o).origin === o.replace(/\/$/, '')), {
    message: 'must be comma-separated origins like http://localhost:8233 (scheme, host, port; no path)',
  });

export const hostSchema = z
  .string()
  .optional()
  .refine((v) => v === undefined || /^[A-Za-z0-9.:_-]+$/.test(v), { message: 'must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0' });

export const SECURITY_SHAPE = {
  PAYLOAD_ENCRYPTION_KEYS: encryptionKeysSchema,
  CODEC_CORS_ORIGINS: originsSchema,
  HOST: hostSchema,
};

export interface SecurityInput {
  PAYLOAD_ENCRYPTION_KEYS: EncryptionKey[];
  CODEC_CORS_ORIGINS?: string[];
  HOST?: string;
  NODE_ENV: string;
  authOn: boolean;
  temporalUiUrl: string;
}

export function securityConfig(e: SecurityInput): SecurityConfig {
  // Without keys anybody who reaches the port has every role: reachable from this machine only.
  const [host, hostReason] =
    e.HOST !== undefined
      ? [e.HOST, 'HOST is set']
      : e.authOn
        ? ['0.0.0.0', 'API_KEYS is set (authentication on); set HOST to narrow it']
        : ['127.0.0.1', 'authentication is off (API_KEYS unset): loopback only; set HOST=0.0.0.0 to expose it anyway'];
  return {
    encryptionKeys: e.PAYLOAD_ENCRYPTION_KEYS,
    codecCorsOrigins: (e.CODEC_CORS_ORIGINS ?? [new URL(e.temporalUiUrl).origin]).map((o) => o.replace(/\/$/, '')),
    host,
    hostReason,
  };
}
