export interface BackoffPolicy {
  /** Delay before the second attempt; doubles with each further attempt. */
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * Share of the delay that is random (0..1): the delay is drawn from [d·(1−jitter), d]. Jitter keeps
   * retries of many deliveries that failed together (a receiver outage) from arriving together.
   */
  readonly jitter: number;
}

/**
 * Delay before the attempt after `attempt` failed: exponential backoff with jitter (the same shape
 * as BullMQ's built-in 'exponential' strategy, plus a ceiling), never shorter than a receiver's
 * Retry-After when it sent one (RFC 9110 §10.2.3), itself capped at the ceiling.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, options: { retryAfterMs?: number; random?: () => number } = {}): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  const random = options.random ?? Math.random;
  const delay = Math.floor(ceiling * (1 - jitter) + random() * ceiling * jitter);
  const retryAfter = options.retryAfterMs !== undefined ? Math.min(options.retryAfterMs, policy.maxMs) : 0;
  return Math.max(delay, retryAfter);
}

/**
 * A contract's rate limit as BullMQ's fixed-window limiter: at most `max` jobs per `durationMs`.
 * A fractional rate (0.5/s) becomes one job per 2 s; a burst allows `burst` jobs at once and then
 * holds the average.
 */
export function toRateLimiter(limit: { readonly perSecond: number; readonly burst?: number }): { max: number; durationMs: number } {
  const max = Math.max(1, limit.burst ?? Math.floor(limit.perSecond));
  return { max, durationMs: Math.max(1, Math.round((max / limit.perSecond) * 1000)) };
}
