export { parseConfig, type Env } from './parse-config.ts';
export { readSecret, readOptionalSecret } from './secret.ts';
export { extendConfigSchema } from './extend-schema.ts';
