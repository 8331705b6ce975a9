/**
 * /console: the support console's built files (dist/console, from `npm run build`). Every
 * other path under /console answers index.html so the console's own routes survive a reload.
 * Without a build (e.g. the API run from source) a 503 page says how to make one.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export const CONSOLE_PATH = '/console';

/** dist/api/… → dist/console; api/… (run from source) → dist/console too. */
export function defaultConsoleDir(): string {
  const root = path.resolve(__dirname, '..');
  return path.basename(root) === 'dist' ? path.join(root, 'console') : path.join(root, 'dist', 'console');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><main><h1>The support console is not built</h1>
<p>Run <code>npm run build</code> (it builds the API and the console into <code>dist/</code>), then reload this page.</p></main></body></html>`;

export function consoleAssets(dir: string): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  // Checked per request: a build made while the API runs is picked up without a restart.
  const built: RequestHandler = (_req, res, next) => {
    if (fs.existsSync(index)) return next();
    res.status(503).type('html').send(NOT_BUILT);
  };
  router.use(built);
  // Hashed file names under assets/: safe to cache (the app's no-store default is for API answers).
  router.use('/assets', express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  router.use(express.static(dir, { index: false }));
  router.use((req, res, next) => {
    // A missing asset is a 404 (the API's catch-all), not index.html served as script.
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/')) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(index);
  });
  return router;
}
