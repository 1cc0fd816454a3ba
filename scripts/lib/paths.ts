import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
/** Git-ignored state of the local environment: broker jars, data, logs, dev secrets. */
export const localDir = resolve(repoRoot, '.local');
