/** GET /openapi.json and GET /docs: the contract, generated from the routes themselves. */
import { renderDocsPage } from '../docs-page';
import { buildOpenApiDocument } from '../openapi';
import { defineRoute, type AnyRoute } from '../route';

/** `allRoutes` is read lazily: the document includes these two routes too. */
export function docRoutes(allRoutes: () => AnyRoute[]): AnyRoute[] {
  let document: Record<string, unknown> | undefined;
  let page: string | undefined;
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
    summary: 'Human-readable API reference',
    access: 'public',
    responses: { 200: { description: 'A self-contained HTML page rendering this document', contentType: 'text/html' } },
    async handler() {
      page ??= renderDocsPage(getDocument());
      return { status: 200, body: page, contentType: 'text/html' };
    },
  });

  return [openapi, docs] as AnyRoute[];
}
