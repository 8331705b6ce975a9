/**
 * The console's Purchase orders and Transfers pages (docs/design.md §15) in real Chromium
 * against the real app, worker, Temporal and Postgres: admin opens a PO and a transfer,
 * system ships and receives them, and the SKU page shows the levels move.
 */
import type { Page } from 'playwright-core';
import { seedStock, uid } from './support/api-fixtures';
import { consoleTestBed, seeText } from './support/browser';
import type { Role } from '../config/config';

/** A level row's cells once they read `want` (on hand, reserved, available, incoming, in transit); the page is reloaded between looks. */
async function seeLevels(page: Page, warehouseId: string, want: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last: string[] = [];
  while (Date.now() < deadline) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    last = await page.getByTestId(`level-${warehouseId}`).locator('td').allTextContents().catch(() => []);
    if (JSON.stringify(last) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`level ${warehouseId}: expected ${JSON.stringify(want)}, the page shows ${JSON.stringify(last)}`);
}

describe('console: purchase orders and transfers (browser)', () => {
  const bed = consoleTestBed();

  const signedIn = (role: Role) => bed.signedIn(role, { width: 1280, height: 900 });

  it('admin opens a PO and a transfer; system ships and receives them; the SKU page shows the levels move', async () => {
    const { warehouseId: a, sku } = await seedStock(bed.h.app, 10);
    const { warehouseId: b } = await seedStock(bed.h.app, 0, { sku });

    const admin = await signedIn('admin');
    await admin.page.getByRole('link', { name: 'Purchase orders' }).click();
    const openForm = admin.page.getByRole('form', { name: 'Open a purchase order' });
    await openForm.getByLabel('Supplier').fill('Acme');
    await openForm.getByLabel('Warehouse').fill(b);
    await openForm.getByLabel('Expected at (ISO date)').fill('2030-01-15');
    await openForm.getByLabel('Lines').fill(`${sku} x 5`);
    await openForm.getByRole('button', { name: 'Open' }).click();
    // The new PO's own page, by its URL: the list's heading "Purchase orders" contains "Purchase
    // order" too, and read before the navigation it gave the id "Purchase orders" (a loaded CI).
    await admin.page.waitForURL(/\/console\/purchase-orders\/[^/?]+$/);
    const poId = decodeURIComponent(new URL(admin.page.url()).pathname.split('/').pop()!);
    await seeText(admin.page.locator('h1'), `Purchase order ${poId}`);
    await seeText(admin.page.getByTestId('status'), 'open');

    // An unknown warehouse: the API's refusal is shown.
    await admin.page.getByRole('link', { name: 'Transfers' }).click();
    const requestForm = admin.page.getByRole('form', { name: 'Request a transfer' });
    await requestForm.getByLabel('From warehouse').fill(a);
    await requestForm.getByLabel('To warehouse').fill(uid('wh-none'));
    await requestForm.getByLabel('Lines').fill(`${sku} x 4`);
    await requestForm.getByRole('button', { name: 'Request' }).click();
    await seeText(requestForm, 'unknown warehouse');
    await requestForm.getByLabel('From warehouse').fill(a);
    await requestForm.getByLabel('To warehouse').fill(b);
    await requestForm.getByLabel('Lines').fill(`${sku} x 4`);
    await requestForm.getByRole('button', { name: 'Request' }).click();
    await admin.page.waitForURL(/\/console\/transfers\/[^/?]+$/);
    const transferId = decodeURIComponent(new URL(admin.page.url()).pathname.split('/').pop()!);
    await seeText(admin.page.locator('h1'), `Transfer ${transferId}`);
    await seeText(admin.page.getByTestId('status'), 'requested');
    // Admin may not be offered what only the receiving side does before it ships: no Receive form yet.
    expect(await admin.page.getByRole('form', { name: 'Receive' }).count()).toBe(0);

    await admin.page.goto(`${bed.baseUrl}/console/skus/${sku}`);
    await seeLevels(admin.page, a, ['10', '4', '6', '0', '0']);
    await seeLevels(admin.page, b, ['0', '0', '0', '5', '0']);
    expect(await admin.page.getByTestId('supply').locator('li').count()).toBe(2);

    const system = await signedIn('system');
    // The system key is offered no open/request forms.
    await system.page.goto(`${bed.baseUrl}/console/purchase-orders`);
    await system.page.getByRole('heading', { name: 'Purchase orders' }).waitFor();
    expect(await system.page.getByRole('form', { name: 'Open a purchase order' }).count()).toBe(0);

    await system.page.goto(`${bed.baseUrl}/console/transfers/${transferId}`);
    await system.page.getByRole('form', { name: 'Ship' }).getByRole('button', { name: 'Ship' }).click();
    await seeText(system.page.getByTestId('status'), 'in_transit');
    await seeLevels(admin.page, a, ['6', '0', '6', '0', '0']);
    await seeLevels(admin.page, b, ['0', '0', '0', '5', '4']);

    const receiveTransfer = system.page.getByRole('form', { name: 'Receive' });
    await receiveTransfer.getByLabel('Receipt id').fill('in-1');
    await receiveTransfer.getByLabel('Lines received').fill(`${sku} x 4`);
    await receiveTransfer.getByRole('button', { name: 'Receive' }).click();
    await seeText(system.page.getByTestId('status'), 'received');

    await system.page.goto(`${bed.baseUrl}/console/purchase-orders/${poId}`);
    const receivePo = system.page.getByRole('form', { name: 'Receive units' });
    await receivePo.getByLabel('Receipt id').fill('gr-1');
    await receivePo.getByLabel('Lines').fill(`${sku} x 5`);
    await receivePo.getByRole('button', { name: 'Receive' }).click();
    await seeText(system.page.getByTestId('status'), 'received');

    await seeLevels(admin.page, b, ['9', '0', '9', '0', '0']);
    await seeLevels(admin.page, a, ['6', '0', '6', '0', '0']);
    expect(admin.foreign).toEqual([]);
    expect(system.foreign).toEqual([]);
    await admin.page.context().close();
    await system.page.context().close();
  });
});
