#!/usr/bin/env node
// Installs the pinned schemathesis (package.json "schemathesis") into a virtualenv in the
// git-ignored tools folder, as setup.js does for the Temporal CLI, and prints the path of
// its `schemathesis` executable. Plain JavaScript: it runs before the TypeScript build.
// Idempotent: a no-op once that exact version is there. SCHEMATHESIS_DIR overrides the
// folder (a worktree whose .tools is shared with another checkout).
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { schemathesis } = require(path.join(root, 'package.json'));
const venv = path.resolve(root, process.env.SCHEMATHESIS_DIR || schemathesis.toolsDir);
const bin = path.join(venv, 'bin', 'schemathesis');
const python = path.join(venv, 'bin', 'python');

function installedVersion() {
  if (!fs.existsSync(python)) return undefined;
  const probe = spawnSync(python, ['-c', 'import importlib.metadata as m; print(m.version("schemathesis"))'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function main() {
  if (installedVersion() === schemathesis.version && fs.existsSync(bin)) {
    console.log(bin);
    return;
  }
  const log = (line) => console.error(`[setup] ${line}`);
  log(`installing ${schemathesis.pypiPackage}==${schemathesis.version} into ${path.relative(root, venv) || venv}/ (python3 -m venv + pip)…`);
  fs.rmSync(venv, { recursive: true, force: true });
  const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (made.status !== 0) {
    log('python3 -m venv failed: install python3 with its venv module (Debian: apt-get install python3-venv)');
    process.exit(1);
  }
  // stdout carries only the path, so a caller can read it with $(...).
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${schemathesis.pypiPackage}==${schemathesis.version}`], {
    stdio: ['ignore', process.stderr, 'inherit'],
  });
  if (installedVersion() !== schemathesis.version) {
    log(`${schemathesis.pypiPackage} ${schemathesis.version} is not importable after pip install`);
    process.exit(1);
  }
  console.log(bin);
}

main();
