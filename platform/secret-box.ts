/**
 * Secrets at rest (docs/design.md §20): webhook subscription secrets and warehouse signing
 * secrets are stored sealed with SECRETS_KEY — AES-256-GCM, a fresh 12-byte IV per value, the
 * 16-byte tag checked on open — as `enc:v1:<base64(iv ‖ tag ‖ ciphertext)>`.
 *
 * Without SECRETS_KEY (development only: production refuses to start) nothing is derived to
 * pretend otherwise — a key derived from something in the same database or configuration
 * protects nothing — so values are stored as they are, and sealed at the next start that has a
 * key (sealStoredSecrets in integrations/stored-secrets.ts). A stored value that is not
 * `enc:v1:` is plaintext (rows written before migration 010, or without a key).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

/** The value to store: sealed with `key`, or as is without one. */
export function sealSecret(secret: string, key: Buffer | undefined): string {
  if (key === undefined) return secret;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

export class SecretsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyError';
  }
}

/** The secret a stored value holds; throws SecretsKeyError when it is sealed and `key` cannot open it. */
export function openSecret(stored: string, key: Buffer | undefined): string {
  if (!isSealed(stored)) return stored;
  if (key === undefined) throw new SecretsKeyError('a stored secret is sealed and SECRETS_KEY is not set');
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretsKeyError('a stored secret does not open with SECRETS_KEY (was it sealed with another key?)');
  }
}
