import { createHmac } from 'node:crypto';

/**
 * The Kafka record key for a patient: HMAC-SHA256 over assigning authority and MRN, so a
 * patient's events share a partition while no identifier sits in a key (architecture: record key).
 */
export function derivePatientKey(secret: Buffer, assigningAuthority: string, mrn: string): string {
  return createHmac('sha256', secret).update(`patient\u0000${assigningAuthority}\u0000${mrn}`).digest('base64url');
}

/**
 * A subscriber-scoped identifier token: the token domain keeps two subscribers' tokens
 * unjoinable unless their contracts name the same domain.
 */
export function deriveToken(secret: Buffer, domain: string, system: string, value: string): string {
  return createHmac('sha256', secret).update(`token\u0000${domain}\u0000${system}\u0000${value}`).digest('base64url').slice(0, 32);
}
