/**
 * Who calls (docs/design.md §20): a key's role, its scope when it is a scoped system key, and a
 * fingerprint that records and logs may carry instead of the key. Pure types: the workflow, the
 * records and the API share them.
 */
export type Role = 'system' | 'support' | 'ops' | 'admin';
export const ROLES: readonly Role[] = ['system', 'support', 'ops', 'admin'];

/** `key:system/warehouse=<id>` acts for one warehouse; `key:system/channel=<channel>` for one channel. */
export type KeyScope = { warehouseId: string; channel?: undefined } | { channel: string; warehouseId?: undefined };

/** What a hold records of whoever placed or released it: never the key, only its fingerprint. */
export interface Actor {
  role: Role;
  /** `warehouse=<id>` or `channel=<channel>` for a scoped key. */
  scope?: string;
  /** `key_<12 hex>` (api/key-fingerprint.ts), or `auth_off` when API_KEYS is unset. */
  key: string;
}

export interface Principal {
  role: Role;
  scope?: KeyScope;
  /** The key's fingerprint. */
  key: string;
}

export const scopeLabel = (scope: KeyScope | undefined): string | undefined =>
  scope === undefined ? undefined : scope.warehouseId !== undefined ? `warehouse=${scope.warehouseId}` : `channel=${scope.channel}`;

export const actorOf = (p: Principal): Actor => {
  const scope = scopeLabel(p.scope);
  return scope === undefined ? { role: p.role, key: p.key } : { role: p.role, scope, key: p.key };
};

/** With API_KEYS unset every caller has every role (docs/design.md §6); its holds say so. */
export const AUTH_OFF_PRINCIPAL: Principal = { role: 'admin', key: 'auth_off' };

/** An order carries at most this many holds over its life (docs/design.md §20): each is an Update in its history. */
export const MAX_HOLDS_PER_ORDER = 50;
