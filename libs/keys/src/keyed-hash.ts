import { createKeyedHash, type KeyedHash } from './fast-hmac.ts';

/** One HMAC state per secret: derivations run for every message and identifier. */
const macs = new WeakMap<Buffer, KeyedHash>();
function macFor(secret: Buffer): KeyedHash {
  let mac = macs.get(secret);
  if (!mac) macs.set(secret, (mac = createKeyedHash(secret)));
  return mac;
}

/**
 * The Kafka record key for a patient: HMAC-SHA256 over assigning authority and MRN, so a
 * patient's events share a partition while no identifier sits in a key (architecture: record key).
 */
export function derivePatientKey(secret: Buffer, assigningAuthority: string, mrn: string): string {
  return macFor(secret).digestBase64url(`patient\u0000${assigningAuthority}\u0000${mrn}`);
}

/** The HMAC input of an identifier token: the one format every token derivation uses. */
export function tokenMessage(domain: string, system: string, value: string): string {
  return `token\u0000${domain}\u0000${system}\u0000${value}`;
}

/** A token from its HMAC input (tokenMessage): 32 base64url characters, 192 bits. */
export function tokenOf(mac: KeyedHash, message: string): string {
  return mac.digestBase64url(message).slice(0, 32);
}

/**
 * A subscriber-scoped identifier token: the token domain keeps two subscribers' tokens
 * unjoinable unless their contracts name the same domain.
 */
export function deriveToken(secret: Buffer, domain: string, system: string, value: string): string {
  return tokenOf(macFor(secret), tokenMessage(domain, system, value));
}
