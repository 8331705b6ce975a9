/**
 * Which console actions a role is offered: the role lists of docs/design.md §6 (api/auth.ts). Only
 * what is shown: the API checks every request itself, and its 403 is shown when it refuses.
 */
import type { Role } from './types';

export type Action = 'hold' | 'release' | 'edit' | 'cancel' | 'retry' | 'return' | 'receive' | 'stock' | 'documents' | 'move';

const ALLOWED: Record<Action, readonly Role[]> = {
  hold: ['system', 'support', 'admin'],
  release: ['system', 'support', 'admin'],
  edit: ['support', 'admin'],
  cancel: ['support', 'admin'],
  retry: ['support', 'admin'],
  return: ['support', 'admin'],
  // The warehouse systems report the parcels that arrive (RETURN_RECEIVE), not support.
  receive: ['system', 'admin'],
  stock: ['admin'],
  // docs/design.md §15: admin opens, moves, closes and cancels POs and transfers; system receives and ships.
  documents: ['admin'],
  move: ['system', 'admin'],
};

export const may = (role: Role, action: Action): boolean => ALLOWED[action].includes(role);
