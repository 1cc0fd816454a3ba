import { hash } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104) built on the one-shot `crypto.hash`: byte-for-byte the output of
 * `createHmac('sha256', key)` at a fraction of its cost (≈0.8 µs instead of ≈7.5 µs per call on
 * Node 24), because `createHmac` allocates a native Hmac object per call. Projection derives tokens
 * for every identifier of every event and subscriber, so this is the hot path. The inner digest
 * travels as a latin1 string (one byte per char): `hash(..., 'buffer')` costs four times as much.
 */
export interface KeyedHash {
  digest(message: string): Buffer;
  digestBase64url(message: string): string;
}

const BLOCK = 64;
/** Messages up to this many UTF-8 bytes are hashed from a reused buffer; longer ones allocate. */
const SCRATCH = 2048;

export function createKeyedHash(key: Buffer): KeyedHash {
  // RFC 2104 §2: keys longer than the block size are hashed first, shorter ones zero-padded.
  const k = key.length > BLOCK ? Buffer.from(hash('sha256', key, 'binary'), 'binary') : key;
  const inner = Buffer.alloc(BLOCK + SCRATCH, 0x36);
  const outer = Buffer.alloc(BLOCK + 32, 0x5c);
  for (let i = 0; i < k.length; i++) {
    inner[i] = inner[i]! ^ k[i]!;
    outer[i] = outer[i]! ^ k[i]!;
  }
  const ipad = Buffer.from(inner.subarray(0, BLOCK));
  // Synchronous use only: both buffers are rewritten on every call.
  const outerInput = (message: string): Buffer => {
    let innerDigest: string;
    if (message.length * 3 <= SCRATCH) {
      const n = inner.write(message, BLOCK, 'utf8');
      innerDigest = hash('sha256', inner.subarray(0, BLOCK + n), 'binary');
    } else {
      innerDigest = hash('sha256', Buffer.concat([ipad, Buffer.from(message, 'utf8')]), 'binary');
    }
    outer.write(innerDigest, BLOCK, 'binary');
    return outer;
  };
  return {
    digest: (message) => Buffer.from(hash('sha256', outerInput(message), 'binary'), 'binary'),
    digestBase64url: (message) => hash('sha256', outerInput(message), 'base64url'),
  };
}
