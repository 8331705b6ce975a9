/**
 * The API key lives in sessionStorage: it survives a reload of the tab but not closing it,
 * and other tabs do not see it.
 */
import type { Role } from './types';

const KEY = 'fulfillment.console.apiKey';

export function getKey(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function setKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(KEY);
}

export interface Identity {
  role: Role;
  auth: 'on' | 'off';
}
