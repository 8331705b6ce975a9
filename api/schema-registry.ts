/** The registry of schemas that become named components of the OpenAPI document (api/openapi.ts). */
import { z } from 'zod';

/** Named schemas of the OpenAPI document (components.schemas), in the order they registered. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();
export const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
};
