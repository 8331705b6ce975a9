import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../api/app';
import { openApiDocument } from '../api/openapi-document';
import { silentLogger } from '../platform/logger';
import type { Ledger } from '../ledger/types';
import type { OrderRecords } from '../orders';
import { apiTestConfig, unreachableTemporalClient, appServices } from './support/api-fixtures';

const root = path.resolve(__dirname, '..');

/**
 * The console's API types are generated at build time by scripts/api-types.js (the global setup
 * ran it before building the console): they must be what a generation from the document the
 * app serves gives, so they cannot drift from the API.
 */
describe('console API types (console/src/api-types.ts)', () => {
  const client = unreachableTemporalClient();
  const app = createApp({ config: apiTestConfig(), ledger: {} as Ledger, records: {} as OrderRecords, client, logger: silentLogger, ...appServices(client, {} as Ledger, {} as OrderRecords) });
  const dir = mkdtempSync(path.join(tmpdir(), 'api-types-'));
  let served: Record<string, unknown>;
  beforeAll(async () => {
    served = (await request(app).get('/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await client.connection.close();
  });

  it('are generated from the document GET /openapi.json serves, built without a server', async () => {
    expect(await openApiDocument()).toEqual(served);
  });

  it('are, to the character, a fresh generation from the served document', async () => {
    const document = path.join(dir, 'openapi.json');
    writeFileSync(document, JSON.stringify(served));
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'api-types.js'), '--document', document, '--stdout'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('OrderSummary: {');
    expect(readFileSync(path.join(root, 'console', 'src', 'api-types.ts'), 'utf8')).toBe(stdout);
  });
});
