export { derivePatientKey, deriveToken } from './keyed-hash.ts';
