/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod
 * schemas (z.toJSONSchema: JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
import { z } from 'zod';
import { ROLES } from '../config/config';
import { rolesOf } from './auth';
import { BODY_LIMIT, openApiPath, type AnyRoute } from './route';
import { ID_PATTERN } from './ids';
import { apiSchemas } from './schemas';

type JsonSchema = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function schemaFor(schema: z.ZodType): JsonSchema {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  return stripMeta(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** An object schema's properties as OpenAPI parameters. */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: componentRef('Error') } } } });

function responsesOf(route: AnyRoute): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const contentType = doc.contentType ?? 'application/json';
    out[status] = doc.schema
      ? { description: doc.description, content: { [contentType]: { schema: schemaFor(doc.schema) } } }
      : Number(status) >= 400
        ? errorResponse(doc.description)
        : { description: doc.description };
  }
  const standard: Record<string, string> = {};
  if (route.params || route.query || route.body) standard[400] = 'Invalid request (`validation_failed` with one `details` entry per problem, or `malformed_json`)';
  if (route.access !== 'public') {
    standard[401] = 'Missing or unknown API key (`unauthorized`; `WWW-Authenticate: Bearer`)';
    standard[403] = "The key's role may not call this operation (`forbidden`)";
  }
  if (route.body) standard[413] = `Body larger than ${BODY_LIMIT} (\`payload_too_large\`)`;
  // With authentication off every write needs the JSON content type, a body or not (docs/design.md §20).
  if (route.body || route.method !== 'get') standard[415] = 'Body not sent as application/json (`unsupported_media_type`); with authentication off, any write without Content-Type: application/json';
  // writeRateLimit (api/security-middleware.ts) counts every write per key, by its role.
  if (route.method !== 'get') standard[429] = "More write requests from this key than its role's figure per minute (`rate_limited`; `Retry-After` says when; docs/rate-limits.md)";
  standard[500] = 'Internal error (`internal_error`, `details.requestId` names the log lines)';
  if (route.tag !== 'docs') standard[503] = 'Temporal or PostgreSQL unreachable, or no worker answered in time (`service_unavailable`)';
  for (const [status, description] of Object.entries(standard)) out[status] ??= errorResponse(description);
  return out;
}

function operationOf(route: AnyRoute): Record<string, unknown> {
  const roles = route.access === 'public' ? [] : [...rolesOf(route.access)];
  const who = route.access === 'public' ? 'No key needed.' : `Roles: ${roles.join(', ')}.`;
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  if (route.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: route.idempotencyKey,
      schema: { type: 'string', pattern: ID_PATTERN.source },
    });
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, who].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    security: route.access === 'public' ? [] : [{ bearerKey: [] }],
    'x-roles': roles,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: schemaFor(route.body) } } } }
      : {}),
    responses: responsesOf(route),
  };
}

const DESCRIPTION = `Order-fulfillment orchestrator: every order is a durable Temporal workflow over a PostgreSQL stock ledger.

**Authentication**: \`Authorization: Bearer <key>\`; keys and their roles come from \`API_KEYS\`. Roles: \`system\` (create orders, post events, place and release holds, read), \`support\` (read, cancel, retry, hold, release, edit), \`ops\` (read), \`admin\` (all, plus inventory and catalog writes). When no keys are configured authentication is off. \`/health\`, \`/openapi.json\` and \`/docs\` need no key.

**Errors** are always \`{ "error": code, "message": text, "details"?: … }\`: 400 \`validation_failed\` (details: \`[{in, path, message, code}]\`) or \`malformed_json\`; 401 \`unauthorized\`; 403 \`forbidden\`; 404 \`not_found\`, \`hold_not_found\`; 405 \`method_not_allowed\` (a method the path does not serve; \`Allow\` names those it does); 409 \`order_conflict\`, \`invalid_transition\`, \`insufficient_stock\`, \`idempotency_conflict\`, \`receipt_conflict\`; 413 \`payload_too_large\`; 415 \`unsupported_media_type\`; 422 \`unknown_sku\`, \`unknown_warehouse\` (an id named in a body that does not exist; an unknown id in the *path* is 404), \`invalid_event\`, \`invalid_edit\`, \`fulfillment_required\`, \`unknown_fulfillment\`, \`over_receipt\`, \`same_warehouse\`; 500 \`internal_error\`; 503 \`service_unavailable\`.

Every response carries \`X-Request-Id\` (the client's, when it is 1-128 characters of letters, digits and \`._:-\`).`;

export interface OpenApiInfo {
  title?: string;
  version?: string;
}

export function buildOpenApiDocument(routes: AnyRoute[], info: OpenApiInfo = {}): Record<string, unknown> {
  const components = z.toJSONSchema(apiSchemas, { uri: componentRef, io: 'input', unrepresentable: 'any' }).schemas as Record<string, JsonSchema>;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operationOf(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Fulfillment orchestrator API', version: info.version ?? '0.1.0', description: DESCRIPTION },
    tags,
    paths,
    components: {
      securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', description: `An API key from API_KEYS; roles: ${ROLES.join(', ')}` } },
      schemas: Object.fromEntries(Object.entries(components).map(([id, schema]) => [id, stripMeta(schema)])),
    },
  };
}
