import { createHash } from 'node:crypto';

/** A short, stable name for an API key that logs and records may carry (docs/design.md §20): never the key itself. */
export function keyFingerprint(key: string): string {
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
