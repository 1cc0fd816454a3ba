import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConduitError } from '@conduit/errors';

/**
 * Where data keys live: a store that forgets a key when its time is up (Redis with PX). Destroying
 * a record's key is what makes every copy of its sealed payload unreadable (crypto-shredding), the
 * Kafka copies included, whatever their segments do.
 */
export interface DataKeyStore {
  put(keyId: string, key: Buffer, ttlMs: number): Promise<void>;
  /** Null once the key has expired or been destroyed. */
  get(keyId: string): Promise<Buffer | null>;
  /** Returns how many of the keys still existed. */
  destroy(keyIds: readonly string[]): Promise<number>;
}

export interface SealedPayload {
  readonly keyId: string;
  /** `cdt-seal:v1:<keyId>:<iv>:<ciphertext‖tag>`, base64url parts. */
  readonly sealed: string;
}

export interface PayloadSealer {
  /** Encrypts with a fresh data key, stored (with its TTL) before this resolves. */
  seal(plain: Buffer): Promise<SealedPayload>;
}

const PREFIX = 'cdt-seal:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newDataKeyId(): string {
  return `dk_${randomBytes(16).toString('base64url')}`;
}

/** AES-256-GCM; the key id is authenticated data, so a payload cannot be moved under another key. */
export function sealWithKey(plain: Buffer, key: Buffer, keyId: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${PREFIX}${keyId}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/** The key id of a sealed payload, or null when the value is not sealed (plain DLQ payloads). */
export function sealedKeyId(value: string): string | null {
  if (!value.startsWith(PREFIX)) return null;
  const keyId = value.slice(PREFIX.length).split(':', 1)[0];
  return keyId ? keyId : null;
}

export function openWithKey(sealed: string, key: Buffer): Buffer {
  const [keyId, ivText, bodyText] = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : [];
  if (!keyId || !ivText || !bodyText) throw new ConduitError('CDT_DLQ_PAYLOAD_UNREADABLE', 'not a sealed payload');
  const body = Buffer.from(bodyText, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(`${PREFIX}${keyId}`));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch (err) {
    throw new ConduitError('CDT_DLQ_PAYLOAD_UNREADABLE', 'authentication failed', { cause: err });
  }
}

/** Decrypts with the stored key; null when the key is gone (the payload was shredded). */
export async function openSealedPayload(sealed: string, keys: DataKeyStore): Promise<Buffer | null> {
  const keyId = sealedKeyId(sealed);
  if (!keyId) throw new ConduitError('CDT_DLQ_PAYLOAD_UNREADABLE', 'not a sealed payload');
  const key = await keys.get(keyId);
  return key ? openWithKey(sealed, key) : null;
}

/** One data key per record, living `ttlMs`: the DLQ TTL of the stage that seals. */
export function createPayloadSealer(options: { readonly keys: DataKeyStore; readonly ttlMs: number }): PayloadSealer {
  return {
    async seal(plain) {
      const keyId = newDataKeyId();
      const key = randomBytes(32);
      await options.keys.put(keyId, key, options.ttlMs);
      return { keyId, sealed: sealWithKey(plain, key, keyId) };
    },
  };
}
