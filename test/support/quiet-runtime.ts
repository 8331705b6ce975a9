import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes at INFO drown the test output; keep warnings and errors.
// Runtime.install may run once per process; jest loads this per test file.
try {
  Runtime.install({ logger: new DefaultLogger(process.env.DEBUG_TEMPORAL ? 'DEBUG' : 'WARN') });
} catch {
  // already installed in this worker process by an earlier test file
}
