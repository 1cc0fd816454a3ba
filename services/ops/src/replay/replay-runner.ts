import { consumeRange, type BusRecord, type Publisher } from '@conduit/bus';
import { isConduitError } from '@conduit/errors';
import type { DlqIndexStore, JobOutcome, ReplayStore } from '@conduit/queue';
import type { ConduitLogger } from '@conduit/log';
import type { KafkaClient } from '../kafka-client.ts';
import { FAILING_STAGE, type ReplaySpec, type ReplayStage } from './replay-spec.ts';
import { planReplayOffsets, type ReplayPlan } from './replay-plan.ts';
import { createRecordSelector } from './select-record.ts';
import { createRateLimiter } from './rate-limiter.ts';

export type ReplayTopics = Readonly<Record<ReplayStage, string>>;

export interface ReplayRunnerDeps {
  readonly kafka: KafkaClient;
  readonly publisher: Publisher;
  readonly store: ReplayStore<ReplaySpec, ReplayPlan>;
  readonly dlq: DlqIndexStore;
  /** Source (and target) topic per stage: the pipeline's topics, or a benchmark's. */
  readonly topics: ReplayTopics;
  readonly logger: ConduitLogger;
  /** How often a running replay looks for a cancel request. */
  readonly cancelPollMs?: number;
  readonly partitionsConsumedConcurrently?: number;
}

const MAX_FAILED_IDS = 100000;

async function failedEventIds(dlq: DlqIndexStore, spec: ReplaySpec): Promise<string[]> {
  const ids = new Set<string>();
  for (const code of spec.selectors.errorCodes ?? []) {
    const page = await dlq.list({ stage: FAILING_STAGE[spec.stage], errorCode: code }, { offset: 0, limit: MAX_FAILED_IDS }, Date.now());
    for (const e of page.entries) if (e.sourceEventId) ids.add(e.sourceEventId);
  }
  return [...ids];
}

/**
 * Runs (or resumes) one replay job: plans it once, then reads each partition from its checkpoint to
 * its end mark, re-publishing what the selectors keep at the replay's rate, and checkpoints after
 * every chunk it wrote. Resolves 'paused' when the process is stopping, so the job resumes from
 * the checkpoint later (at most one chunk is written twice after a crash).
 */
export async function runReplay(deps: ReplayRunnerDeps, id: string, stopping: AbortSignal): Promise<JobOutcome> {
  const log = deps.logger.child({ component: 'replay', replayId: id });
  const replay = await deps.store.get(id);
  if (!replay || ['completed', 'cancelled', 'failed'].includes(replay.status)) return 'done';
  if (replay.status === 'cancelling') {
    await deps.store.setStatus(id, 'cancelled', { finishedAt: new Date().toISOString() });
    return 'done';
  }
  const spec = replay.spec;
  const cancel = new AbortController();
  const poll = setInterval(() => {
    void deps.store.status(id).then((s) => {
      if (s === 'cancelling') cancel.abort();
    }, () => undefined);
  }, deps.cancelPollMs ?? 250);
  const signal = AbortSignal.any([stopping, cancel.signal]);
  try {
    let plan = replay.plan;
    if (!plan) {
      const topic = deps.topics[spec.stage];
      const failed = spec.selectors.errorCodes ? await failedEventIds(deps.dlq, spec) : undefined;
      plan = {
        sourceTopic: topic,
        targetTopic: topic,
        partitions: await planReplayOffsets(deps.kafka, topic, Date.parse(spec.from), Date.parse(spec.to)),
        ...(failed ? { failedEventIds: failed } : {}),
      };
      await deps.store.savePlan(id, plan, new Date().toISOString());
      log.info({ stage: spec.stage, partitions: plan.partitions.length, dryRun: spec.dryRun }, 'replay planned');
    }
    const select = createRecordSelector(spec, {
      replayId: id,
      topic: plan.targetTopic,
      ...(plan.failedEventIds ? { failedEventIds: new Set(plan.failedEventIds) } : {}),
    });
    // A dry run writes nothing, so it is not held to the rate.
    const limiter = createRateLimiter(spec.dryRun ? null : spec.ratePerSecond);
    const result = await consumeRange({
      kafka: deps.kafka,
      topic: plan.sourceTopic,
      groupPrefix: `conduit-replay-${id}`,
      partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently ?? 3,
      signal,
      ranges: plan.partitions.map((p) => ({ partition: p.partition, start: replay.checkpoint[String(p.partition)] ?? p.start, end: p.end })),
      onBatch: async ({ partition, records, heartbeat }) => {
        for (let i = 0; i < records.length && !signal.aborted; i += limiter.chunk) {
          const chunk = records.slice(i, i + limiter.chunk);
          const out: BusRecord[] = [];
          for (const r of chunk) {
            const selected = select(r);
            if (selected) out.push(selected);
          }
          if (!spec.dryRun && out.length > 0) {
            try {
              await limiter.take(out.length, signal);
            } catch {
              return;
            }
            await deps.publisher.publish(out);
          }
          const next = (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString();
          await deps.store.checkpoint(id, partition, next, { scanned: chunk.length, matched: out.length, published: spec.dryRun ? 0 : out.length });
          await heartbeat();
        }
      },
    });
    if (cancel.signal.aborted || (await deps.store.status(id)) === 'cancelling') {
      await deps.store.setStatus(id, 'cancelled', { finishedAt: new Date().toISOString() });
      log.info('replay cancelled');
      return 'done';
    }
    // An aborted read may look complete (the batch in hand was cut short): trust only an unaborted one.
    if (stopping.aborted || !result.completed) return 'paused';
    // Partitions with nothing to read never reach onBatch: their checkpoint is their end.
    for (const p of plan.partitions) await deps.store.checkpoint(id, p.partition, p.end, { scanned: 0, matched: 0, published: 0 });
    await deps.store.setStatus(id, 'completed', { finishedAt: new Date().toISOString() });
    log.info('replay completed');
    return 'done';
  } catch (err) {
    if (stopping.aborted) return 'paused';
    const code = isConduitError(err) ? err.code : 'CDT_INTERNAL';
    log.error({ err, code }, 'replay failed');
    await deps.store.setStatus(id, 'failed', { finishedAt: new Date().toISOString(), error: code });
    return 'done';
  } finally {
    clearInterval(poll);
  }
}
