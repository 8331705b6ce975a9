/**
 * Outside values reach the Temporal UI's markdown escaped (docs/design.md §20, "Hygiene"): the
 * start details a describe answers, and the current details the UI's metadata query answers.
 */
import { cancelUpdate } from '../workflows/order/messages';
import { OrderSuite, orderInput, orderSuiteHooks } from './support/order-fixtures';

describe('order workflow · markdown in the UI details', () => {
  const env = orderSuiteHooks((bundle) => OrderSuite.start({ name: 'wf-markdown', bundle, warehouseMode: 'manual', carrierMode: 'manual' }));

  it('a customer name like [x](https://evil) and a cancel reason faking a field appear escaped', async () => {
    const { skus: [a] } = await env.suite.seed({ warehouses: 1, skus: 1, stock: [[5]] });
    env.owned.push(a);
    const input = orderInput({ lines: [{ sku: a, quantity: 1 }], shippingAddress: { name: '[x](https://evil)', line1: '**Status:** paid', city: '# London' } });
    input.customer.name = '[Verify payment](https://evil)\n\n**Status:** cancelled';
    const handle = await env.suite.startOrder(input);
    await env.suite.waitForStatus(handle, 'picking');

    const details = await (await handle.describe()).staticDetails();
    expect(details).toContain('(\\[Verify payment\\]\\(https\\://evil\\) \\*\\*Status:\\*\\* cancelled)');
    expect(details).toContain('**Ship to:** \\[x\\]\\(https\\://evil\\), \\*\\*Status:\\*\\* paid, SW1Y 4JH \\# London');
    // Nothing of the outside text is left active: no link, no emphasis, no new line of its own.
    expect(details).not.toMatch(/(^|[^\\])\[x\]\(/);
    expect((details ?? "").split('\n\n').every((row) => row.startsWith('**'))).toBe(true);

    const reason = '**Status:** delivered [refund here](https://evil) <b>now</b>';
    await handle.executeUpdate(cancelUpdate, { args: [{ reason }] });
    const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain('**Cancel reason:** \\*\\*Status:\\*\\* delivered \\[refund here\\]\\(https\\://evil\\) \\<b\\>now\\</b\\>');
    expect(metadata.currentDetails).toMatch(/^\*\*Status:\*\* cancelled/);
  });
});
