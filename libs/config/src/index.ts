export { parseConfig, type Env } from './parse-config.ts';
export { readSecret } from './secret.ts';
