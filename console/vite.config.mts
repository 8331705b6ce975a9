// Built by `vite build console` (root = this folder) into dist/console, which the API
// serves at /console (api/console-assets.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  // The automatic JSX runtime through Vite's own transformer: no React plugin needed to build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // The API's CSP allows same-origin files only: nothing inlined as data: URLs.
    assetsInlineLimit: 0,
  },
  logLevel: 'warn',
});
