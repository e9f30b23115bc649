import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** A zod schema as an OpenAPI schema object, so the docs show exactly what the validator accepts. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  try {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    return json as SchemaObject;
  } catch {
    return { type: 'object' };
  }
}
