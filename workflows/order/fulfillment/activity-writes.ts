/** A record write an activity does for the workflow (LEAN_ORDER), and the workflow's side of it. Workflow code. */
import { sameView } from '../../../domain/delivered-view';
import type { OrderView } from '../../../domain/types';
import type { OrderState } from '../state';

/**
 * LEAN_ORDER (patches.ts): a view an activity is asked to write for the workflow, for a change
 * the activity itself brings (domain/delivered-view.ts): the closing delivery. Its version is
 * reserved when the call is scheduled, so any refresh meanwhile (a hold placed during the call)
 * takes a higher one and the workflow's own write always wins over a foreseen view that did not
 * come true.
 */
export interface ActivityWrite {
  /** The view as the call was scheduled, serialized. */
  base: string;
  version: number;
  /** `view` only when the call does not carry it as its record already. */
  arg: { version: number; view?: OrderView };
  /** When the activity saw the change; set once it answered. */
  at?: string;
}

export function activityWrite(s: OrderState, carried: boolean, applies: boolean): ActivityWrite | undefined {
  // Only right after the call's own carry: the record holds the view as it stands.
  if (!s.cuts.activityWrites || !applies || s.record.saved !== s.record.version) return undefined;
  // The view is unchanged, so the skipped version needs no write of its own.
  const version = ++s.record.version;
  s.record.saved = version;
  return { base: JSON.stringify(s.view), version, arg: carried ? { version } : { version, view: s.view } };
}

/**
 * The activity wrote what the workflow now holds (its refresh for the change was the only one
 * since): nothing is left to write. Else the flush writes it (record.ts).
 */
export function adoptWrite(s: OrderState, write: ActivityWrite, expected: OrderView | undefined): void {
  if (s.record.version === write.version + 1 && expected !== undefined && sameView(expected, s.view)) s.record.saved = s.record.version;
}
