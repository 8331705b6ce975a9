/**
 * API_KEYS (docs/design.md §6, §20): `key:role`, or a scoped system key
 * `key:system/warehouse=<warehouseId>` / `key:system/channel=<channel>`. Merged into
 * config/config.ts's one schema; nothing here reads the environment.
 */
import { z } from 'zod';
import { keyFingerprint } from '../api/key-fingerprint';
import { ROLES, type KeyScope, type Role } from '../domain/principal';

export interface ApiKeyGrant {
  role: Role;
  scope?: KeyScope;
}

// Ids as the API accepts them (api/ids.ts): a scope naming anything else could never match.
const SCOPE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SCOPED = /:system\/(warehouse|channel)=([^,]*)$/;

export const apiKeysSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const keys = new Map<string, ApiKeyGrant>();
    if (value === undefined || value.trim() === '') return keys;
    for (const [i, entry] of value.split(',').map((e) => e.trim()).entries()) {
      if (entry === '') continue;
      const scoped = SCOPED.exec(entry);
      if (scoped) {
        const key = entry.slice(0, scoped.index);
        const [, kind, id] = scoped;
        if (key === '' || !SCOPE_ID.test(id)) {
          // Never the key, nor a part of it (docs/design.md §20): its position and fingerprint find the entry.
          ctx.addIssue({ code: 'custom', message: `entry ${i + 1} (fingerprint ${keyFingerprint(key)}) must be key:system/${kind}=<id> with an id of letters, digits, . _ : -` });
          return z.NEVER;
        }
        keys.set(key, { role: 'system', scope: kind === 'warehouse' ? { warehouseId: id } : { channel: id } });
        continue;
      }
      const at = entry.lastIndexOf(':');
      const key = entry.slice(0, at);
      const role = entry.slice(at + 1) as Role;
      if (at <= 0 || !ROLES.includes(role)) {
        // Never the entry itself, nor a part of it: a malformed entry may be a whole key (docs/design.md §20).
        ctx.addIssue({
          code: 'custom',
          message: `entry ${i + 1} (fingerprint ${keyFingerprint(entry)}) must be key:role with role one of ${ROLES.join('|')}, or key:system/warehouse=<id>, or key:system/channel=<channel>`,
        });
        return z.NEVER;
      }
      keys.set(key, { role });
    }
    return keys;
  });
