import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { connectClient, connectWorker, uniqueTaskQueue } from './support/temporal';
import * as activities from './fixtures/smoke/activities';
import { smokeWorkflow } from './fixtures/smoke/workflows';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

describe('Temporal dev server (smoke)', () => {
  const taskQueue = uniqueTaskQueue('smoke');
  let bundle: WorkflowBundleWithSourceMap;
  let client: Client;
  let connection: Connection;
  let workerConnection: NativeConnection;

  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/smoke/workflows'), logger: quietLogger() });
    ({ client, connection } = await connectClient());
    workerConnection = await connectWorker();
  });
  afterAll(async () => {
    await workerConnection?.close();
    await connection?.close();
  });

  it('runs a workflow with an activity on a real worker', async () => {
    const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowBundle: bundle, activities });
    const result = await worker.runUntil(
      client.workflow.execute(smokeWorkflow, { taskQueue, workflowId: `smoke-${taskQueue}`, args: ['orders'], workflowExecutionTimeout: '30s' }),
    );
    expect(result).toBe(`hello orders from pid ${process.pid}`);
  });

  it('has the order search attributes registered', async () => {
    const attrs = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(attrs.customAttributes).toHaveProperty(name);
  });
});

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
}
