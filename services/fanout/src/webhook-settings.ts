import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { readSecret, type Env } from '@conduit/config';
import type { SubscriberContract } from '@conduit/projection';
import type { WebhookFormat } from './webhook-request.ts';

/** A subscriber's webhook channel with its secrets resolved (never logged). */
export interface WebhookSettings {
  readonly subscriber: string;
  readonly url: URL;
  readonly secret: Buffer;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly concurrency: number;
  readonly format: WebhookFormat;
  readonly rateLimit?: { readonly perSecond: number; readonly burst?: number };
  readonly tls: { readonly ca?: readonly (string | Buffer)[]; readonly certificate?: Buffer };
}

/** Contract defaults when a contract was not loaded through the schema (which fills them in). */
const DEFAULTS = { timeoutMs: 10000, maxAttempts: 8, backoffMs: 1000, concurrency: 4, format: 'event' } as const;

/**
 * The webhook channel of a contract, or undefined when it has none. The contract only names its
 * secrets (secretRef, clientCertificateRef); their values come from `<NAME>_FILE` or `<NAME>` in the
 * environment, so a missing secret stops start-up naming the variable, never a value.
 */
export function resolveWebhookSettings(contract: SubscriberContract, env: Env, caFile: string | undefined): WebhookSettings | undefined {
  const w = contract.channels.webhook;
  if (!w) return undefined;
  return {
    subscriber: contract.id,
    url: new URL(w.url),
    secret: readSecret(env, w.secretRef),
    timeoutMs: w.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: w.maxAttempts ?? DEFAULTS.maxAttempts,
    backoffMs: w.backoffMs ?? DEFAULTS.backoffMs,
    concurrency: w.concurrency ?? DEFAULTS.concurrency,
    format: w.format ?? DEFAULTS.format,
    ...(w.rateLimit ? { rateLimit: w.rateLimit } : {}),
    tls: {
      // Extra authorities are added to Node's roots, not put in their place.
      ...(caFile ? { ca: [...rootCertificates, readFileSync(caFile)] } : {}),
      // One PEM holding the certificate (chain) and its key: TLS reads each from the same bytes.
      ...(w.clientCertificateRef ? { certificate: readSecret(env, w.clientCertificateRef) } : {}),
    },
  };
}
