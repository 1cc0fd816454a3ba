import { readFileSync } from 'node:fs';
import { ConduitError } from '@conduit/errors';

/**
 * Secrets come from a file (preferred: `<NAME>_FILE`) or the environment, never from code.
 * The error names the variable, never the value.
 */
export function readSecret(env: Readonly<Record<string, string | undefined>>, name: string): Buffer {
  const file = env[`${name}_FILE`];
  if (file) {
    const text = readFileSync(file, 'utf8').trim();
    if (text.length < 16) throw new ConduitError('CDT_CONFIG_INVALID', `${name}_FILE: secret shorter than 16 characters`);
    return Buffer.from(text, 'utf8');
  }
  const value = env[name];
  if (!value) throw new ConduitError('CDT_CONFIG_INVALID', `${name} or ${name}_FILE: required secret is not set`);
  if (value.length < 16) throw new ConduitError('CDT_CONFIG_INVALID', `${name}: secret shorter than 16 characters`);
  return Buffer.from(value, 'utf8');
}

/** A secret that may be absent (a Redis without AUTH): undefined when neither form is set. */
export function readOptionalSecret(env: Readonly<Record<string, string | undefined>>, name: string): Buffer | undefined {
  return env[name] || env[`${name}_FILE`] ? readSecret(env, name) : undefined;
}
