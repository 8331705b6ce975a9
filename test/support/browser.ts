/**
 * One headless Chromium per test file, through playwright-core (no browser download): Debian's
 * `chromium` package, or CHROMIUM_PATH. The only place that reads that variable.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { KEYS, startApi, type ApiHarness } from './api-fixtures';
import type { Role } from '../../config/config';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The app on a real port of 127.0.0.1. */
export async function listen(app: Express): Promise<{ server: Server; baseUrl: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Every request the page makes that leaves our origin (the console and /docs must make none). */
export function foreignRequests(page: Page, baseUrl: string): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:')) seen.push(url);
  });
  return seen;
}

/** What a console test needs: the API with a worker on a real port, and one browser. */
export interface ConsoleBed {
  h: ApiHarness;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context signed in to the console with `role`'s key; `foreign` collects requests leaving our origin. */
  signedIn(role: Role, viewport?: { width: number; height: number }): Promise<{ page: Page; foreign: string[] }>;
}

/** Starts the bed before the file's tests and stops it after (register inside the describe). */
export function consoleTestBed(): ConsoleBed {
  const bed = {
    async signedIn(role: Role, viewport = { width: 1280, height: 800 }) {
      const context = await bed.browser.newContext({ viewport });
      const page = await context.newPage();
      const foreign = foreignRequests(page, bed.baseUrl);
      await page.goto(`${bed.baseUrl}/console/`);
      await page.getByLabel('API key').fill(KEYS[role]);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await seeText(page.getByTestId('who'), `Signed in as ${role}`);
      return { page, foreign };
    },
  } as ConsoleBed;
  let server: Server | undefined;
  beforeAll(async () => {
    [bed.h, bed.browser] = await Promise.all([startApi({ worker: true }), launchBrowser()]);
    ({ server, baseUrl: bed.baseUrl } = await listen(bed.h.express));
  }, 60_000);
  afterAll(async () => {
    await bed.browser?.close();
    await closeServer(server);
    await bed.h?.stop();
  });
  return bed;
}

export /** Polls a locator's text until it equals (or contains) `want`. */
async function seeText(locator: Locator, want: string, opts: { exact?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = (await locator.first().textContent({ timeout: 1_000 }).catch(() => null))?.trim() ?? null;
    if (last !== null && (opts.exact ? last === want : last.includes(want))) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`expected ${opts.exact ? '' : 'text containing '}"${want}", the page shows ${JSON.stringify(last)}`);
}
