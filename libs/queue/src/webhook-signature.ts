import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/** A shared secret: bytes, text, or a KeyObject (createSecretKey) that skips key preparation per call. */
export type WebhookSecret = Buffer | string | KeyObject;

/**
 * Webhook signature header (lower-case: Node's header names).
 *
 *   Conduit-Signature = "t=" timestamp 1*( "," "v1=" signature )
 *   timestamp         = 1*DIGIT          ; Unix seconds when the request was signed
 *   signature         = 64HEXDIG         ; HMAC-SHA256(secret, timestamp "." body), lower-case hex
 *
 * Signing the timestamp with the body lets a receiver refuse replays of an old request; more than one
 * v1 value lets a sender sign with the old and the new secret while a secret is rotated.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'conduit-signature';

export function computeWebhookSignature(secret: WebhookSecret, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for a body signed at `timestamp` (Unix seconds) with each secret. */
export function signWebhook(secrets: WebhookSecret | readonly WebhookSecret[], body: Buffer | string, timestamp: number): string {
  const list: readonly WebhookSecret[] = Array.isArray(secrets) ? secrets : [secrets as WebhookSecret];
  return [`t=${timestamp}`, ...list.map((s) => `v1=${computeWebhookSignature(s, timestamp, body)}`)].join(',');
}

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export interface VerifyWebhookOptions {
  /** The header value (or undefined when the request had none). */
  readonly header: string | readonly string[] | undefined;
  /** The raw request body, byte for byte as received. */
  readonly body: Buffer | string;
  /** The shared secret, or several during a rotation. */
  readonly secrets: WebhookSecret | readonly WebhookSecret[];
  /** How far the timestamp may be from now (default 300 s, either way). */
  readonly toleranceSeconds?: number;
  readonly nowSeconds?: number;
}

/** What a receiver runs on every request: the signature must match and the timestamp be recent. */
export function verifyWebhookSignature(o: VerifyWebhookOptions): WebhookVerification {
  const header = Array.isArray(o.header) ? o.header[0] : (o.header as string | undefined);
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (o.toleranceSeconds ?? 300)) return { ok: false, reason: 'expired' };
  const secrets: readonly WebhookSecret[] = Array.isArray(o.secrets) ? o.secrets : [o.secrets as WebhookSecret];
  for (const secret of secrets) {
    const expected = Buffer.from(computeWebhookSignature(secret, timestamp, o.body), 'hex');
    if (candidates.some((c) => timingSafeEqual(c, expected))) return { ok: true, timestamp };
  }
  return { ok: false, reason: 'mismatch' };
}
