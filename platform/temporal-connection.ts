import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { Config } from '../config/config';

/**
 * Connection options for the configured cluster: plain for the dev server, TLS + API key
 * for Temporal Cloud. The shape fits both the client's Connection and the worker's
 * NativeConnection.
 */
export function connectionOptions(temporal: Config['temporal']): { address: string; tls?: Record<string, never>; apiKey?: string } {
  return {
    address: temporal.address,
    tls: temporal.tls ? {} : undefined,
    apiKey: temporal.apiKey,
  };
}

/** True when a Temporal frontend answers at `address` within `timeoutMs`. */
export async function temporalAnswers(options: ConnectionOptions, timeoutMs = 2_000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
