import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from './paths.ts';

/**
 * Development keys, generated once per checkout into the git-ignored .local/secrets and handed
 * to the services as *_FILE variables: real deployments mount their own files.
 */
export function devSecretEnv(): Record<string, string> {
  const dir = join(localDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const env: Record<string, string> = {};
  for (const [name, file] of [['CONDUIT_PATIENT_KEY', 'patient-key'], ['CONDUIT_TOKEN_KEY', 'token-key']] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
    env[`${name}_FILE`] = path;
  }
  return env;
}
