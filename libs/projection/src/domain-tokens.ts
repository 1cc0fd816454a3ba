import { createCipheriv } from 'node:crypto';
import { ConduitError } from '@conduit/errors';
import { createKeyedHash, tokenMessage, tokenOf, type KeyedHash } from '@conduit/keys';
import { RESOURCE_DIGEST_BYTES, digestResourceIds } from './resource-digest.ts';

/** Secrets for tokens and pseudonymous ids. They come from configuration, never from a contract. */
export interface ProjectionKeys {
  /** Default secret for every token domain. */
  readonly tokenSecret: Buffer;
  /**
   * Optional secret per token domain, so one domain's key can be held, rotated or destroyed
   * (crypto-shredding a research data set's linkability) without touching the others.
   */
  readonly domainSecrets?: Readonly<Record<string, Buffer>>;
}

/**
 * Tokens of one token domain. Two subscribers whose contracts name different domains get
 * unrelated tokens for the same identifier, so they cannot join their data sets; the same
 * subscriber gets the same token every time (stable over time, as long as its key is).
 */
export interface DomainTokens {
  readonly domain: string;
  /** Identifier token: 32 base64url characters (the same value @conduit/keys deriveToken gives). */
  identifier(system: string, value: string): string;
  /** Same length and character classes as the value (digits stay digits, letters letters, the rest kept). */
  identifierFormatPreserving(system: string, value: string): string;
  /** The event's patient, for ProjectedEvent.patientToken (ordering key and linkage code). */
  patient(patientKey: string): string;
  /** A resource id pseudonym shaped as a UUID, valid as a FHIR id and in a `urn:uuid:` fullUrl. */
  resourceId(resourceType: string, id: string): string;
  /** The pseudonyms of many resources at once, from their digests (resource-digest.ts). */
  resourceIds(digests: Buffer): string[];
}

/**
 * The floor @conduit/config readSecret already enforces on secret files; 32 random bytes (RFC 2104 §3:
 * at least the hash output) is what deployments should use.
 */
const MIN_SECRET_BYTES = 16;
/** Tokens recur (a patient's MRN in every event); a bounded cache keeps the hot ones without growing. */
const CACHE_LIMIT = 4096;

export function createDomainTokens(keys: ProjectionKeys, domain: string): DomainTokens {
  const secret = keys.domainSecrets?.[domain] ?? keys.tokenSecret;
  if (secret.length < MIN_SECRET_BYTES) {
    throw new ConduitError('CDT_CONFIG_INVALID', `token key for domain ${domain} is ${secret.length} bytes; at least ${MIN_SECRET_BYTES} are required`);
  }
  const mac = createKeyedHash(secret);
  // Resource ids: AES-256 (a keyed pseudorandom permutation) over the SHA-256 digest of type and id,
  // one 16-byte block per resource. Hash-then-PRP is a PRF like HMAC, but one cipher call covers a
  // whole event's resources, where HMAC costs two hash calls per resource per subscriber. ECB here
  // is that permutation applied to independent blocks, not a mode encrypting a message: no block
  // depends on another, and the key (derived per domain) never encrypts anything else.
  const prp = createCipheriv('aes-256-ecb', mac.digest(`resource-id-key\u0000${domain}`), null);
  prp.setAutoPadding(false);
  const cache = new Map<string, string>();
  const cached = (message: string, derive: (m: string) => string): string => {
    let v = cache.get(message);
    if (v === undefined) {
      v = derive(message);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(message, v);
    }
    return v;
  };
  const token = (m: string) => tokenOf(mac, m);
  const resourceIds = (digests: Buffer): string[] => {
    const hex = prp.update(digests).toString('hex');
    const out: string[] = [];
    for (let i = 0; i < hex.length; i += RESOURCE_DIGEST_BYTES * 2) out.push(uuidFromHex(hex, i));
    return out;
  };
  return {
    domain,
    identifier: (system, value) => cached(tokenMessage(domain, system, value), token),
    identifierFormatPreserving: (system, value) => cached(`fpt\u0000${domain}\u0000${system}\u0000${value}`, (m) => formatPreserving(mac, m, value)),
    patient: (patientKey) => cached(tokenMessage(domain, 'patient-key', patientKey), token),
    resourceId: (resourceType, id) => cached(`resource\u0000${resourceType}\u0000${id}`, () => resourceIds(digestResourceIds([{ resourceType, sourceId: id }]))[0]!),
    resourceIds,
  };
}

/** RFC 9562 §5.8 (version 8, custom) with the RFC 4122 variant, like @conduit/bus deriveEventId. */
function uuidFromHex(hex: string, at: number): string {
  const variant = ((parseInt(hex.charAt(at + 16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(at, at + 8)}-${hex.slice(at + 8, at + 12)}-8${hex.slice(at + 13, at + 16)}-${variant}${hex.slice(at + 17, at + 20)}-${hex.slice(at + 20, at + 32)}`;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A keyed pseudonym with the value's shape, for receivers whose schemas check identifier formats.
 * It is not reversible encryption (no FF1/FF3): nothing needs to turn it back. The shape costs
 * collision resistance (a 6-digit MRN has 10^6 tokens), which is why it is opt-in per contract.
 * A token equal to its own input is re-derived, so a raw value never passes through unchanged.
 */
function formatPreserving(mac: KeyedHash, message: string, value: string): string {
  for (let round = 0; ; round++) {
    let stream = mac.digest(`${message}\u0000${round}`);
    let block = 0;
    let pos = 0;
    let out = '';
    for (const ch of value) {
      if (pos >= stream.length) {
        block++;
        stream = mac.digest(`${message}\u0000${round}\u0000${block}`);
        pos = 0;
      }
      const b = stream[pos]!;
      const alphabet = ch >= '0' && ch <= '9' ? DIGITS : ch >= 'A' && ch <= 'Z' ? UPPER : ch >= 'a' && ch <= 'z' ? LOWER : undefined;
      if (alphabet) {
        out += alphabet[b % alphabet.length];
        pos++;
      } else {
        out += ch;
      }
    }
    // A value with no letters or digits has nothing to replace; returning it would leak it.
    if (!/[0-9A-Za-z]/.test(value)) return token32(mac, message);
    if (out !== value || round >= 8) return out === value ? token32(mac, message) : out;
  }
}

function token32(mac: KeyedHash, message: string): string {
  return mac.digestBase64url(message).slice(0, 32);
}
