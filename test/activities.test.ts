import { ApplicationFailure } from '@temporalio/common';
import { AdapterRejectedError, manualCarrier, manualWarehouse, simulatedCarrier, simulatedWarehouse } from '../activities/adapters';
import { asActivityFailure } from '../activities/errors';
import { orderProblems } from '../activities/order-activities';
import { LedgerError } from '../ledger/errors';
import { ADAPTER_REJECTED } from '../domain/failure-types';
import { orderStartOptions } from '../workflows/order/start-options';
import { orderInput } from './support/order-fixtures';

/** Pure parts of the activities layer: no Temporal, no Postgres. */
describe('activities (pure)', () => {
  it('lists every reason an order cannot be fulfilled', () => {
    const ok = orderInput({ lines: [{ sku: 'A', quantity: 1 }] });
    expect(orderProblems(ok, [], 1)).toEqual([]);
    const bad = orderInput({ lines: [{ sku: 'A', quantity: 0 }], shippingAddress: { line1: ' ', country: 'gb' } });
    expect(orderProblems(bad, ['A'], 0)).toEqual([
      'line A: quantity must be a positive integer',
      'unknown SKU: A',
      'no active warehouse',
      'shipping address incomplete: line1 missing',
    ]);
    expect(orderProblems(orderInput({ lines: [{ sku: 'A', quantity: 1 }], shippingAddress: { country: 'gb' } }), [], 1)).toEqual([
      'shipping address country "gb" is not an ISO 3166 alpha-2 code',
    ]);
  });

  it('turns business errors into non-retryable typed failures and leaves infra errors retryable', () => {
    const ledger = asActivityFailure(new LedgerError('INSUFFICIENT_STOCK', 'not enough')) as ApplicationFailure;
    expect(ledger).toBeInstanceOf(ApplicationFailure);
    expect(ledger).toMatchObject({ type: 'INSUFFICIENT_STOCK', nonRetryable: true, message: 'not enough' });
    expect(asActivityFailure(new AdapterRejectedError('no'))).toMatchObject({ type: ADAPTER_REJECTED, nonRetryable: true });
    const infra = new Error('ECONNREFUSED');
    expect(asActivityFailure(infra)).toBe(infra);
  });

  it('simulated adapters are idempotent on the key and complete by themselves; manual ones wait', async () => {
    const slept: number[] = [];
    const ctx = { sleep: async (ms: number) => void slept.push(ms) };
    const wh = simulatedWarehouse({ delayMs: 5 });
    const req = { orderId: 'o1', key: 'o1:pick:1', allocations: [] };
    expect(await wh.createPickTask(req)).toEqual(await wh.createPickTask(req));
    expect(await wh.createPickTask({ ...req, key: 'o1:pick:2' })).not.toEqual(await wh.createPickTask(req));
    expect(await wh.awaitPick({ orderId: 'o1', taskId: 't' }, ctx)).toEqual({ completed: true });
    expect(slept).toEqual([5]);

    const carrier = simulatedCarrier({ delayMs: 0 });
    const labelReq = { orderId: 'o1', key: 'o1:label', address: orderInput({ lines: [] }).shippingAddress, method: 'express' as const, allocations: [] };
    const label = await carrier.buyLabel(labelReq);
    expect(label).toEqual(await carrier.buyLabel(labelReq));
    expect(label?.carrier).toBe('SimExpress');

    expect(await manualWarehouse().awaitPick({ orderId: 'o1', taskId: 't' }, ctx)).toEqual({ completed: false });
    expect(await manualCarrier().buyLabel(labelReq)).toBeUndefined();
    expect(await manualCarrier().awaitDelivery({ orderId: 'o1' }, ctx)).toEqual({ completed: false });
  });

  it('builds the start options the API and the tests use', () => {
    const input = orderInput({ orderId: 'A-1', channel: 'shop', lines: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] });
    const opts = orderStartOptions(input, 'fulfillment');
    expect(opts).toMatchObject({
      workflowId: 'order-A-1',
      taskQueue: 'fulfillment',
      args: [input],
      staticSummary: 'Order A-1 · 3 lines · shop',
    });
    expect(opts.typedSearchAttributes.map((p) => [p.key.name, p.value])).toEqual([
      ['OrderStatus', 'received'],
      ['CustomerId', input.customer.id],
      ['Channel', 'shop'],
      ['Skus', ['A', 'B']],
    ]);
    expect(opts.staticDetails).toContain('A ×2');
  });
});
