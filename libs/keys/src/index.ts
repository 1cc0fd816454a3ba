export { derivePatientKey, deriveToken, tokenMessage, tokenOf } from './keyed-hash.ts';
export { createKeyedHash, type KeyedHash } from './fast-hmac.ts';
