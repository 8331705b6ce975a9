/**
 * The support console in a real browser (Debian's Chromium through playwright-core) against the
 * real app on a real port, a real worker (manual warehouse and carrier), Temporal and Postgres.
 * Assertions are on what the page shows.
 */
import path from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { as, orderBody, seedStock, uid } from './support/api-fixtures';
import { consoleTestBed, foreignRequests, seeText } from './support/browser';
import { eventually } from './support/temporal';
import type { Role } from '../config/config';

const SCREENSHOTS = path.resolve(__dirname, '..', 'docs', 'screenshots');

describe('support console (browser)', () => {
  const bed = consoleTestBed();

  async function orderIn(status: string, customerId = uid('cust')) {
    const stock = await seedStock(bed.h.app, 5);
    const orderId = uid('ord');
    await request(bed.h.app).post('/orders').set(as('system')).send(orderBody([{ sku: stock.sku, quantity: 2 }], { orderId, customer: { id: customerId, name: 'Ada Lovelace' } })).expect(202);
    await untilStatus(orderId, status);
    return { orderId, customerId, ...stock };
  }

  const untilStatus = (orderId: string, status: string) =>
    eventually(async () => ((await request(bed.h.app).get(`/orders/${orderId}`).set(as('ops'))).body.status === status ? true : undefined));

  /** The manual warehouse and carrier's events, from `picking` on, up to `until`. */
  async function advance(orderId: string, until: 'shipped' | 'delivered') {
    const event = (body: Record<string, unknown>) => request(bed.h.app).post(`/orders/${orderId}/events`).set(as('system')).send(body).expect(200);
    await event({ type: 'picked' });
    await event({ type: 'packed' });
    // `shipped` fits once the label is bought (shipping), `delivered` once the order shows shipped.
    await untilStatus(orderId, 'shipping');
    await event({ type: 'shipped', carrier: 'DHL', trackingNumber: 'TRK-4711' });
    await untilStatus(orderId, 'shipped');
    if (until === 'shipped') return;
    await event({ type: 'delivered' });
    await untilStatus(orderId, 'delivered');
  }

  const signedIn = (role: Role) => bed.signedIn(role);

  const badge = (page: Page) => page.locator('h1 [data-testid="status"]');

  it('support: search by customer, hold, release, cancel; the SKU page shows the stock back', async () => {
    const order = await orderIn('picking');
    const { page, foreign } = await signedIn('support');

    await page.getByLabel('Customer id').fill(order.customerId);
    // The list reads Temporal visibility, which lags the order by a moment.
    const link = page.getByRole('link', { name: order.orderId });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      return (await link.isVisible({ timeout: 500 }).catch(() => false)) || undefined;
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'search-page.png') });
    await link.click();
    await seeText(badge(page), 'picking', { exact: true });

    await page.getByRole('button', { name: 'Place hold' }).click();
    const holdDialog = page.getByRole('dialog');
    await holdDialog.getByLabel('Reason').selectOption('fraud_check');
    await holdDialog.getByLabel('Note (optional)').fill('score 97');
    await holdDialog.getByRole('button', { name: 'Place hold' }).click();
    await seeText(badge(page), 'on_hold', { exact: true });
    await seeText(page.getByTestId('hold'), 'fraud_check');
    await seeText(page.getByTestId('hold'), 'active');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-page.png'), fullPage: true });

    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release hold' }).click();
    await seeText(page.getByTestId('hold'), 'by hand');
    await seeText(badge(page), 'picking', { exact: true });

    await page.getByRole('button', { name: 'Cancel order' }).click();
    const cancelDialog = page.getByRole('dialog');
    await cancelDialog.getByLabel('Reason for cancelling').fill('customer changed their mind');
    await cancelDialog.getByRole('button', { name: 'Cancel order' }).click();
    await seeText(badge(page), 'cancelled', { exact: true });
    expect(await page.getByRole('group', { name: 'Order actions' }).count()).toBe(0);

    await page.getByRole('link', { name: order.sku }).click();
    const row = page.getByTestId(`level-${order.warehouseId}`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['5', '0', '5', '0', '0']); // on hand, reserved, available, incoming, in transit
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('At risk: open orders with a ship-by, the late one first', async () => {
    const stock = await seedStock(bed.h.app, 5);
    const place = async (shipBy: string) => {
      const orderId = uid('risk');
      await request(bed.h.app).post('/orders').set(as('system')).send(orderBody([{ sku: stock.sku, quantity: 1 }], { orderId, shipBy })).expect(202);
      return orderId;
    };
    const dueLater = await place(new Date(Date.now() + 3_600_000).toISOString());
    const late = await place(new Date(Date.now() - 1_000).toISOString());
    await eventually(async () => ((await request(bed.h.app).get(`/orders/${late}`).set(as('ops'))).body.late === true ? true : undefined));
    const { page, foreign } = await signedIn('ops');
    await page.getByRole('link', { name: 'At risk' }).click();
    await page.getByRole('link', { name: dueLater }).waitFor();
    const rows = await page.locator('tbody tr').allTextContents();
    const at = (id: string) => rows.findIndex((r) => r.includes(id));
    expect(at(late)).toBeGreaterThanOrEqual(0);
    expect(at(late)).toBeLessThan(at(dueLater));
    expect(rows[at(late)]).toContain('late');
    expect(rows[at(dueLater)]).not.toContain('late');
    // The order page says when it is due and where it ships from, and why.
    await page.getByRole('link', { name: late }).click();
    await seeText(page.getByTestId('ship-by'), 'late');
    await seeText(page.locator('.decisions'), `${stock.warehouseId}: first warehouse in priority order that holds the whole order`);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('ops: no action buttons; an action forced through its URL shows the API\'s 403', async () => {
    const order = await orderIn('picking');
    const { page } = await signedIn('ops');
    await page.goto(`${bed.baseUrl}/console/orders/${order.orderId}`);
    await seeText(badge(page), 'picking', { exact: true });
    expect(await page.getByRole('group', { name: 'Order actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);

    await page.goto(`${bed.baseUrl}/console/orders/${order.orderId}/cancel`);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason for cancelling').fill('ops tries anyway');
    await dialog.getByRole('button', { name: 'Cancel order' }).click();
    const refusal = await request(bed.h.app).post(`/orders/${order.orderId}/cancel`).set(as('ops')).send({ reason: 'x' }).expect(403);
    await seeText(dialog.getByRole('alert'), `403 forbidden: ${refusal.body.message}`, { exact: true });
    await page.context().close();
  });

  it('a refused action shows the API\'s message: cancel after shipping is 409', async () => {
    const order = await orderIn('picking');
    await advance(order.orderId, 'shipped');

    const { page } = await signedIn('support');
    await page.goto(`${bed.baseUrl}/console/orders/${order.orderId}`);
    await seeText(badge(page), 'shipped', { exact: true });
    await seeText(page.getByRole('table', { name: 'Fulfillments' }), 'DHL TRK-4711');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason for cancelling').fill('too late');
    await dialog.getByRole('button', { name: 'Cancel order' }).click();
    const refusal = await request(bed.h.app).post(`/orders/${order.orderId}/cancel`).set(as('support')).send({ reason: 'too late' }).expect(409);
    await seeText(dialog.getByRole('alert'), `409 ${refusal.body.error}: ${refusal.body.message}`, { exact: true });
    await page.context().close();
  });

  it('a return authorized (support) and received (system) from the console; the SKU page shows the restocked unit back', async () => {
    const order = await orderIn('picking'); // 2 of the 5 units
    await advance(order.orderId, 'delivered');

    const { page: support } = await signedIn('support');
    await support.goto(`${bed.baseUrl}/console/orders/${order.orderId}`);
    await seeText(badge(support), 'delivered', { exact: true });
    await support.getByRole('button', { name: 'Authorize return' }).click();
    const authorize = support.getByRole('dialog');
    await authorize.getByLabel('Lines to return').fill(`${order.sku} 2`);
    await authorize.getByLabel('Reason').fill('one arrived scratched');
    await authorize.getByRole('button', { name: 'Authorize return' }).click();
    const supportRow = support.getByTestId('return');
    await seeText(supportRow.getByTestId('status'), 'authorized', { exact: true });
    const { returns } = (await request(bed.h.app).get(`/orders/${order.orderId}`).set(as('ops')).expect(200)).body;
    expect(returns).toHaveLength(1);
    const returnId: string = returns[0].returnId;
    const cells = await supportRow.locator('td').allTextContents();
    expect([cells[0], cells[1], cells[2], cells[5]]).toEqual([returnId, `${order.sku} × 2`, 'one arrived scratched', '—']);
    // Support authorizes; the warehouse systems (system) report what arrives.
    expect(await supportRow.getByRole('button', { name: 'Mark received' }).count()).toBe(0);
    await support.context().close();

    const { page } = await signedIn('system');
    await page.goto(`${bed.baseUrl}/console/orders/${order.orderId}`);
    const row = page.getByTestId('return');
    await seeText(row.getByTestId('status'), 'authorized', { exact: true });
    expect(await page.getByRole('button', { name: 'Authorize return' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Mark received' }).click();
    const receive = page.getByRole('dialog');
    const lines = receive.getByLabel('Lines that arrived');
    expect(await lines.inputValue()).toBe(`${order.sku} 2 restock`);
    // The parcel comes back where it shipped from unless the user says otherwise.
    expect(await receive.getByLabel('Received at').inputValue()).toBe(order.warehouseId);

    // More than authorized: the API refuses, the dialog shows its words and stays open.
    await lines.fill(`${order.sku} 3 restock`);
    await receive.getByRole('button', { name: 'Mark received' }).click();
    const over = await request(bed.h.app).post(`/returns/${returnId}/receive`).set(as('system')).send({ warehouseId: order.warehouseId, lines: [{ sku: order.sku, quantity: 3, disposition: 'restock' }] }).expect(422);
    await seeText(receive.getByRole('alert'), `422 ${over.body.error}: ${over.body.message}`, { exact: true });

    await lines.fill(`${order.sku} 1 restock\n${order.sku} 1 damaged`);
    await receive.getByRole('button', { name: 'Mark received' }).click();
    await seeText(row.getByTestId('status'), 'received', { exact: true });
    expect(await receive.count()).toBe(0);
    await seeText(row, `at ${order.warehouseId}: ${order.sku} × 1 restock, ${order.sku} × 1 damaged`);
    expect(await row.getByRole('button', { name: 'Mark received' }).count()).toBe(0);
    await seeText(page.locator('.timeline'), `return ${returnId} received at ${order.warehouseId}`);

    // 5 received, 2 shipped, 1 restocked (the damaged one is not stock).
    await page.getByRole('link', { name: order.sku }).click();
    const level = page.getByTestId(`level-${order.warehouseId}`);
    await level.waitFor();
    expect(await level.locator('td').allTextContents()).toEqual(['4', '0', '4', '0', '0']);
    const movement = page.getByRole('row').filter({ hasText: `return ${returnId}` });
    await movement.waitFor();
    expect((await movement.locator('td').allTextContents()).slice(1)).toEqual([order.warehouseId, 'return', '1', '0', order.orderId, `return ${returnId}`]);
    await page.context().close();
  });

  it('admin: a count waiting for approval is approved on the counts page; the SKU page shows the new on hand', async () => {
    const { warehouseId, sku } = await seedStock(bed.h.app, 5);
    const pending = await request(bed.h.app)
      .post('/counts')
      .set(as('system'))
      .send({ warehouseId, countedAt: new Date().toISOString(), source: 'warehouse_report', lines: [{ sku, counted: 17 }] })
      .expect(201);
    expect(pending.body.status).toBe('pending_approval');
    const { page, foreign } = await signedIn('admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Counts' }).click();
    const card = page.getByTestId(`count-${pending.body.countId}`);
    await card.waitFor();
    expect(await card.getByTestId(`count-line-${sku}`).locator('td').allTextContents()).toEqual(['17', '5', '+12']);
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Apply count' }).click();
    // Applied, it leaves the list of counts waiting for approval.
    await eventually(async () => ((await card.count()) === 0 ? true : undefined));
    expect((await request(bed.h.app).get(`/counts/${pending.body.countId}`).set(as('ops')).expect(200)).body.status).toBe('applied');

    await page.getByRole('combobox').selectOption('applied');
    const applied = page.getByTestId(`count-${pending.body.countId}`);
    await seeText(applied.getByTestId('count-status'), 'applied', { exact: true });
    await applied.getByRole('link', { name: sku }).click();
    const level = page.getByTestId(`level-${warehouseId}`);
    await level.waitFor();
    expect(await level.locator('td').allTextContents()).toEqual(['17', '0', '17', '0', '0']); // on hand, reserved, available, incoming, in transit
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it('/docs renders the OpenAPI document with nothing fetched from outside', async () => {
    const context = await bed.browser.newContext();
    const page = await context.newPage();
    const foreign = foreignRequests(page, bed.baseUrl);
    await page.goto(`${bed.baseUrl}/docs`);
    const createOrder = page.locator('.opblock.opblock-post').filter({ has: page.locator('[data-path="/orders"]') });
    await createOrder.first().waitFor({ timeout: 15_000 });
    await seeText(createOrder.locator('.opblock-summary-method'), 'POST', { exact: true });
    expect(foreign).toEqual([]);
    await context.close();
  });
});
