/**
 * GET /docs: Swagger UI (swagger-ui-dist, pinned) rendering /openapi.json, every file served
 * from node_modules so it works offline. Under the helmet CSP scripts must come from our
 * origin, so the initializer is a served file, never an inline <script>.
 */
import path from 'node:path';
import express, { type RequestHandler } from 'express';

export const DOCS_ASSETS_PATH = '/docs/assets';

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fulfillment orchestrator API</title>
<link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png">
</head><body>
<div id="swagger-ui"><noscript>The reference needs JavaScript; the contract itself is at <a href="/openapi.json">/openapi.json</a>.</noscript></div>
<script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_ASSETS_PATH}/docs-init.js"></script>
</body></html>`;

// validatorUrl: null — the default would send the document to validator.swagger.io.
export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** Only the files the page uses: the package also ships a petstore initializer and an index.html. */
const SERVED = new Set(['/swagger-ui-bundle.js', '/swagger-ui.css', '/favicon-16x16.png', '/favicon-32x32.png']);

export function docsAssets(): RequestHandler {
  const dir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = express.static(dir, { index: false, fallthrough: true });
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/docs-init.js') {
      res.type('application/javascript').send(DOCS_INIT_JS);
      return;
    }
    if (!SERVED.has(req.path)) return next();
    files(req, res, next);
  };
}
