import { setTimeout as sleep } from 'node:timers/promises';

export interface RateLimiter {
  /** The most records one take() should ask for, so waits stay short and cancellable. */
  readonly chunk: number;
  /** Resolves when `n` more records may go; rejects with an AbortError when the signal fires. */
  take(n: number, signal?: AbortSignal): Promise<void>;
}

/**
 * A token bucket holding a tenth of a second of records: a replay runs at its rate on average and
 * never bursts much above it, so live traffic keeps its share of the brokers. null: no limit.
 */
export function createRateLimiter(perSecond: number | null, clock: () => number = () => performance.now()): RateLimiter {
  if (perSecond === null) return { chunk: 1000, take: () => Promise.resolve() };
  const capacity = Math.max(1, Math.floor(perSecond / 10));
  let tokens = capacity;
  let last = clock();
  return {
    chunk: capacity,
    async take(n, signal) {
      for (;;) {
        const t = clock();
        tokens = Math.min(capacity, tokens + ((t - last) * perSecond) / 1000);
        last = t;
        if (tokens >= n || (n > capacity && tokens >= capacity)) {
          tokens -= n;
          return;
        }
        await sleep(Math.ceil(((Math.min(n, capacity) - tokens) * 1000) / perSecond), undefined, signal ? { signal } : undefined);
      }
    },
  };
}
