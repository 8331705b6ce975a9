/**
 * Whether an event a new order view could imply is new against the view it replaces. A record
 * save sends its candidate events with their gates and the database opens them against the
 * stored view under the row lock (order_event_gate in migrations/008_order_record_save.ts);
 * gateOpen is the same rule in TypeScript, for the writes that already hold the previous view
 * (intake, mutate) and for the tests that keep the two in step. Pure.
 */
import type { OrderView } from '../domain/types';

export type EventGate =
  | { kind: 'new' }
  | { kind: 'history'; index: number }
  | { kind: 'status'; status: string; withPrevious?: boolean }
  | { kind: 'sent'; id: string }
  | { kind: 'returned'; id: string }
  | { kind: 'unrecorded'; status: string; historyLength: number; withPrevious: true };

export interface GatedEvent {
  type: string;
  id: string;
  data: Record<string, unknown>;
  gate: EventGate;
}

const SENT = new Set(['shipped', 'delivered']);

export function gateOpen(gate: EventGate, previous: OrderView | undefined): boolean {
  switch (gate.kind) {
    case 'new':
      return previous === undefined;
    case 'history':
      return gate.index >= (previous?.history.length ?? 0);
    case 'status':
      return previous === undefined || previous.status !== gate.status;
    case 'sent':
      return !(previous?.fulfillments ?? []).some((f) => f.fulfillmentId === gate.id && SENT.has(f.status) && typeof f.shipment === 'object' && f.shipment !== null);
    case 'returned':
      return !(previous?.returns ?? []).some((r) => r.returnId === gate.id && r.status === 'received');
    case 'unrecorded':
      return previous !== undefined && Math.max(previous.history.length, 1) >= gate.historyLength && previous.status !== gate.status;
  }
}

/** The events among `candidates` that are new against `previous`, as the database emits them. */
export function openEvents(candidates: readonly GatedEvent[], previous: OrderView | undefined): Array<Omit<GatedEvent, 'gate'>> {
  return candidates
    .filter((c) => gateOpen(c.gate, previous))
    .map(({ gate, ...event }) =>
      'withPrevious' in gate && gate.withPrevious && previous !== undefined ? { ...event, data: { ...event.data, previousStatus: previous.status } } : event,
    );
}
