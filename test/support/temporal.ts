import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';

/** Addresses of the run's dev server (started by global setup). */
export function temporalEnv(): { address: string; namespace: string } {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests through jest (global setup starts Temporal)');
  return { address, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' };
}

/** A task queue no other suite uses, so workers of parallel suites never steal each other's tasks. */
export function uniqueTaskQueue(suite: string): string {
  return `test-${suite}-${randomBytes(4).toString('hex')}`;
}

export async function connectClient(dataConverter?: DataConverter): Promise<{ client: Client; connection: Connection }> {
  const { address, namespace } = temporalEnv();
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace, dataConverter }), connection };
}

export async function connectWorker(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: temporalEnv().address });
}

/** Polls until `probe` returns a value other than undefined (visibility is eventually consistent). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
