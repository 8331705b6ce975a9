/** GET /openapi.json (the contract, generated from the routes themselves) and GET /docs (Swagger UI over it). */
import { DOCS_PAGE_HTML } from '../docs-page';
import { buildOpenApiDocument } from '../openapi';
import { defineRoute, type AnyRoute } from '../route';

/** `allRoutes` is read lazily: the document includes these two routes too. */
export function docRoutes(allRoutes: () => AnyRoute[]): AnyRoute[] {
  let document: Record<string, unknown> | undefined;
  const getDocument = () => (document ??= buildOpenApiDocument(allRoutes()));

  const openapi = defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'docs',
    summary: 'This document (OpenAPI 3.1)',
    access: 'public',
    responses: { 200: { description: 'The OpenAPI document, generated from the zod schemas' } },
    async handler() {
      return { status: 200, body: getDocument() };
    },
  });

  const docs = defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'docs',
    summary: 'Human-readable API reference (Swagger UI)',
    access: 'public',
    responses: { 200: { description: 'Swagger UI rendering /openapi.json; its scripts and styles are served from /docs/assets (no CDN)', contentType: 'text/html' } },
    async handler() {
      return { status: 200, body: DOCS_PAGE_HTML, contentType: 'text/html' };
    },
  });

  return [openapi, docs] as AnyRoute[];
}
