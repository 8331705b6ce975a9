/**
 * Returns in the order records (docs/design.md §13): a return is part of its order's record, changed
 * under that record's row lock, so two returns of one order are decided one after the other
 * and never lose each other. `order_returns` finds the order of a return id.
 */
import type { Knex } from 'knex';
import type { InspectedLine, OrderLine, OrderStatus, ReturnView } from '../domain/types';
import { authorizedNote, excessOf, expiredNote, receivedNote, withReturn, type ReturnExcess } from './return-rules';
import type { OrderRecord, OrderRecords } from './types';

export interface AuthorizeRequest {
  orderId: string;
  returnId: string;
  lines: OrderLine[];
  reason: string;
  createdAt: string;
}

export type AuthorizeOutcome =
  | { kind: 'not_found' }
  | { kind: 'not_delivered'; status: OrderStatus }
  | { kind: 'exceeds'; excess: ReturnExcess[] }
  /** The return id is taken: by this order (`ret`, a re-send) or by another order (no `ret`). */
  | { kind: 'exists'; ret?: ReturnView }
  | { kind: 'created'; ret: ReturnView };

export interface ReturnRecords {
  authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome>;
  /** The return and the record it lives in. */
  find(returnId: string): Promise<{ record: OrderRecord; ret: ReturnView } | undefined>;
  /** authorized → received; a return already received stays as it is. Answers the return as stored. */
  markReceived(orderId: string, returnId: string, receipt: { warehouseId: string; inspected: InspectedLine[]; at: string }): Promise<ReturnView>;
  /** authorized → expired; anything else stays as it is. */
  markExpired(orderId: string, returnId: string, at: string): Promise<ReturnView>;
}

const findIn = (record: OrderRecord, returnId: string) => (record.view.returns ?? []).find((r) => r.returnId === returnId);

export function createReturnRecords(knex: Knex, records: OrderRecords): ReturnRecords {
  /** Moves one return on, or leaves it when `apply` answers nothing. */
  const transition = async (orderId: string, returnId: string, apply: (ret: ReturnView) => { ret: ReturnView; note: string; at: string } | undefined) => {
    const outcome = await records.mutate(orderId, async (record) => {
      const ret = findIn(record, returnId);
      if (!ret) throw new Error(`order ${orderId} has no return ${returnId}`);
      const change = apply(ret);
      if (!change) return { result: ret };
      return { next: withReturn(record.view, change.ret, change.at, change.note), result: change.ret };
    });
    if (!outcome.found) throw new Error(`no order record ${orderId} for return ${returnId}`);
    return outcome.result;
  };

  return {
    async authorize(req) {
      const outcome = await records.mutate<AuthorizeOutcome>(req.orderId, async (record, trx) => {
        const known = await trx('order_returns').where('return_id', req.returnId).first<{ order_id: string } | undefined>('order_id');
        if (known) return { result: { kind: 'exists', ...(known.order_id === req.orderId ? { ret: findIn(record, req.returnId) } : {}) } };
        const { view } = record;
        if (view.status !== 'delivered') return { result: { kind: 'not_delivered', status: view.status } };
        const excess = excessOf(view, req.lines);
        if (excess.length > 0) return { result: { kind: 'exceeds', excess } };
        const ret: ReturnView = { returnId: req.returnId, orderId: req.orderId, status: 'authorized', lines: req.lines, reason: req.reason, createdAt: req.createdAt };
        await trx('order_returns').insert({ return_id: req.returnId, order_id: req.orderId });
        return { next: withReturn(view, ret, req.createdAt, authorizedNote(ret)), result: { kind: 'created', ret } };
      });
      return outcome.found ? outcome.result : { kind: 'not_found' };
    },

    async find(returnId) {
      const row = await knex('order_returns').where('return_id', returnId).first<{ order_id: string } | undefined>('order_id');
      if (!row) return undefined;
      const record = await records.get(row.order_id);
      const ret = record && findIn(record, returnId);
      return record && ret ? { record, ret } : undefined;
    },

    markReceived(orderId, returnId, receipt) {
      return transition(orderId, returnId, (ret) => {
        if (ret.status !== 'authorized') return undefined;
        const next: ReturnView = { ...ret, status: 'received', receivedAt: receipt.at, warehouseId: receipt.warehouseId, inspected: receipt.inspected };
        return { ret: next, note: receivedNote(next), at: receipt.at };
      });
    },

    markExpired(orderId, returnId, at) {
      return transition(orderId, returnId, (ret) => {
        if (ret.status !== 'authorized') return undefined;
        const next: ReturnView = { ...ret, status: 'expired', expiredAt: at };
        return { ret: next, note: expiredNote(next), at };
      });
    },
  };
}
