import type { AttemptOutcome } from '@conduit/queue';

/** What one HTTP attempt came to, before it is judged. */
export type HttpResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly tls: boolean };

/**
 * The delivery rule of the contract: 2xx is delivered; 429, 5xx, timeouts and network errors are
 * retried; every other status (other 4xx, and 3xx: redirects are not followed, a signed PHI body is
 * never re-sent to a URL the contract does not name) and a failed TLS verification go to the DLQ at
 * once.
 */
export function classifyHttpResult(r: HttpResult, now: number): AttemptOutcome {
  if (r.kind === 'timeout') return { kind: 'retry', code: 'CDT_WEBHOOK_TIMEOUT' };
  if (r.kind === 'error') return r.tls ? { kind: 'fail', code: 'CDT_WEBHOOK_TLS' } : { kind: 'retry', code: 'CDT_WEBHOOK_NETWORK' };
  const { status } = r;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(r.retryAfter, now);
    return { kind: 'retry', code: 'CDT_WEBHOOK_UNAVAILABLE', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'fail', code: 'CDT_WEBHOOK_REJECTED', status };
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
