import type { SchemaObject } from 'ajv/dist/2020.js';
import { ConduitError } from '@conduit/errors';

/**
 * A service schema with the properties of shared fragments added (settings several services must
 * agree on, such as the DLQ sealing Redis and TTLs). A name defined twice is a schema bug, refused.
 */
export function extendConfigSchema(base: SchemaObject, ...fragments: readonly SchemaObject[]): SchemaObject {
  const properties: Record<string, unknown> = { ...(base.properties as Record<string, unknown>) };
  for (const fragment of fragments) {
    for (const [name, definition] of Object.entries(fragment.properties as Record<string, unknown>)) {
      if (name in properties) throw new ConduitError('CDT_CONFIG_INVALID', `${String(base.$id ?? base.title)}: ${name} is also defined by ${String(fragment.$id ?? fragment.title)}`);
      properties[name] = definition;
    }
  }
  return { ...base, properties };
}
