#!/usr/bin/env node
// Copies the database functions' .sql files into dist/ after tsc (which copies no .sql), at
// the same relative paths, so compiled code finds them beside itself (dist/ledger/sql/…) and an
// image that ships only dist/ has them. The list is the one migrate installs: the compiled
// migrations/sql-functions.js decides which files count. Stale copies are removed first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const { sqlFunctionFiles } = require(path.join(dist, 'migrations', 'sql-functions.js'));

for (const entry of fs.readdirSync(dist, { withFileTypes: true })) {
  if (entry.isDirectory()) fs.rmSync(path.join(dist, entry.name, 'sql'), { recursive: true, force: true });
}
const files = sqlFunctionFiles(root);
for (const file of files) {
  fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
  fs.copyFileSync(path.join(root, file), path.join(dist, file));
}
console.log(`copied ${files.length} .sql files into dist/`);
