import { DelayedError, Queue, Worker } from 'bullmq';
import type { ConduitLogger } from '@conduit/log';
import type { RedisClient } from './redis-client.ts';

export interface RecurringJob {
  /** Runs the job once now (through the queue, so it never overlaps a scheduled run). */
  trigger(): Promise<void>;
  close(): Promise<void>;
}

export interface RecurringJobOptions {
  /** A connection in 'wait' mode, as BullMQ workers require. */
  readonly connection: RedisClient;
  readonly bullPrefix: string;
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<void>;
  readonly logger: ConduitLogger;
}

/**
 * A BullMQ job scheduler (BullMQ 5.16+ replaced repeatable jobs with upsertJobScheduler): however
 * many ops instances run, one job per tick is created and one worker takes it.
 */
export async function startRecurringJob(o: RecurringJobOptions): Promise<RecurringJob> {
  const log = o.logger.child({ component: 'recurring-job', job: o.name });
  const queue = new Queue(o.name, { connection: o.connection, prefix: o.bullPrefix });
  await queue.upsertJobScheduler(o.name, { every: o.everyMs }, { name: o.name, opts: { removeOnComplete: 20, removeOnFail: 50 } });
  const worker = new Worker(o.name, () => o.run(), { connection: o.connection, prefix: o.bullPrefix, concurrency: 1 });
  worker.on('failed', (_job, err) => log.error({ err }, 'run failed'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  return {
    async trigger() {
      await queue.add(o.name, {}, { removeOnComplete: 20, removeOnFail: 50 });
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

export type JobOutcome = 'done' | 'paused';

export interface JobRunner<T> {
  /** Queues a job; a second call with the same id is ignored while the first exists. */
  enqueue(id: string, data: T): Promise<void>;
  /** Signals running jobs to pause at their next checkpoint, then stops the worker. */
  close(): Promise<void>;
}

export interface JobRunnerOptions<T> {
  readonly connection: RedisClient;
  readonly bullPrefix: string;
  readonly name: string;
  readonly concurrency: number;
  /** A crashed instance's job is taken over by another once its lock lapses (stalled-job check). */
  readonly lockDurationMs?: number;
  /** How soon a paused job (its instance stopped) is picked up again. */
  readonly resumeDelayMs?: number;
  /**
   * Runs or resumes a job from its own checkpoint. Resolves 'paused' when `signal` aborted it
   * (this instance is stopping): the job goes back to the queue and resumes later, here or on
   * another instance.
   */
  readonly process: (data: T, context: { readonly jobId: string; readonly signal: AbortSignal }) => Promise<JobOutcome>;
  readonly logger: ConduitLogger;
}

/** Long jobs (replays) as BullMQ jobs that survive a restart of the process running them. */
export function startJobRunner<T>(o: JobRunnerOptions<T>): JobRunner<T> {
  const log = o.logger.child({ component: 'job-runner', queue: o.name });
  const stopping = new AbortController();
  const queue = new Queue(o.name, { connection: o.connection, prefix: o.bullPrefix });
  const worker = new Worker<T>(
    o.name,
    async (job, token) => {
      const outcome = await o.process(job.data, { jobId: job.id ?? '', signal: stopping.signal });
      if (outcome === 'paused') {
        // DelayedError tells BullMQ the job moved itself: it is neither completed nor failed.
        await job.moveToDelayed(Date.now() + (o.resumeDelayMs ?? 1000), token);
        throw new DelayedError();
      }
    },
    { connection: o.connection, prefix: o.bullPrefix, concurrency: o.concurrency, lockDuration: o.lockDurationMs ?? 30000 },
  );
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'job failed'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  return {
    async enqueue(id, data) {
      await queue.add(o.name, data, { jobId: id, removeOnComplete: 100, removeOnFail: 100, attempts: 1 });
    },
    async close() {
      stopping.abort();
      await worker.close();
      await queue.close();
    },
  };
}
