/**
 * zod schemas of every request part (body, query, path) and every response. The same
 * schemas validate requests and generate the OpenAPI document (api/openapi.ts): schemas
 * registered in `apiSchemas` become named components.
 *
 * Request objects are `.strict()`: an unknown field is a 400, so a client can never set
 * `status` or any other server-owned field.
 *
 * Import schemas from here rather than from the files below: the order of these lines is
 * the order the schemas register in, which is the order of components.schemas in
 * /openapi.json, and importing this file is what registers them before
 * api/return-schemas.ts and api/webhook-schemas.ts (which import it) add theirs.
 */
export * from './schema-registry';
export * from './schema-primitives';
export * from './order-schemas';
export * from './inventory-schemas';
export * from './response-schemas';
