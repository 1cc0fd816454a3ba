import { Ajv2020, type SchemaObject } from 'ajv/dist/2020.js';
import { ConduitError } from '@conduit/errors';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses a service's environment once, against a JSON Schema whose property names are the
 * environment variable names. Defaults live in the schema, values are coerced to the schema's
 * types, and any CONDUIT_* variable the schema does not know is refused (it is a typo that would
 * otherwise silently fall back to a default). The result is frozen.
 */
export function parseConfig<T>(schema: SchemaObject, env: Env, prefix = 'CONDUIT_'): Readonly<T> {
  const known = new Set(Object.keys((schema.properties ?? {}) as object));
  const unknown = Object.keys(env).filter((k) => k.startsWith(prefix) && !known.has(k));
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: true });
  const validate = ajv.compile(schema);
  const problems = unknown.map((k) => `${k}: unknown setting`);
  if (!validate(input)) {
    for (const e of validate.errors ?? []) {
      // Values are never echoed: a secret may sit in a wrongly typed variable.
      const where = e.instancePath.replace(/^\//, '') || String(e.params['missingProperty'] ?? '(root)');
      problems.push(`${where}: ${e.message ?? 'invalid'}`);
    }
  }
  if (problems.length > 0) throw new ConduitError('CDT_CONFIG_INVALID', problems.join('; '));
  return deepFreeze(input as T);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
