import type { BusRecord, InboundRecord, Publisher, StageHandler } from '@conduit/bus';
import type { ProjectedEvent, RecordValidators } from '@conduit/events';
import type { ConduitLogger } from '@conduit/log';
import type { Assignment, FanoutStore } from '@conduit/queue';
import { routeRecord, subscriberRecord } from './fanout-record.ts';

/** How one subscriber receives its events. */
export interface FanoutRoute {
  /** Pull channel: the subscriber's own topic conduit.sub.<id>.v1. */
  readonly pull: boolean;
  /** Push channel: queues the delivery; `ensureHead` gives a lane's head its job. */
  readonly push?: { ensureHead(deliveryId: string, lane: string): Promise<void> };
}

/** A handled record's Redis work, and what its stage output becomes once that work is done. */
interface PendingOutput {
  readonly work: Promise<Assignment>;
  readonly subscriber: string;
  readonly deliveryId: string;
  /** Publish to the pull topic; false: a placeholder that only carries `work` to the publisher. */
  readonly pull: boolean;
  /** Pull-only assignments are remembered until published; push ones live with the delivery. */
  readonly release: boolean;
  readonly inputTimestamp: number;
}

/** Handler and publisher share it: stage outputs whose Redis work the publisher must await. */
export type FanoutLedger = WeakMap<BusRecord, PendingOutput>;

export function createFanoutLedger(): FanoutLedger {
  return new WeakMap();
}

export interface FanoutHandlerDeps {
  readonly validators: RecordValidators;
  readonly routes: ReadonlyMap<string, FanoutRoute>;
  readonly store: FanoutStore;
  readonly ledger: FanoutLedger;
  readonly now?: () => number;
}

/**
 * One projected record → its Redis work (sequence number, and for a webhook the delivery queued in
 * its patient's lane, atomically) → a stage output. The handler starts the work without awaiting it,
 * so the Redis commands of a whole batch leave in one pipelined round trip instead of one per record
 * (ioredis auto-pipelining; the stage runner hands records over one by one). Redis runs them in the
 * order issued, so numbers follow the partition's order. The publisher awaits the work before it
 * publishes, and the stage commits only after that, so an offset is never committed for an event
 * that is neither on the subscriber topic nor stored as a delivery.
 */
export function createFanoutHandler(deps: FanoutHandlerDeps): StageHandler {
  const now = deps.now ?? Date.now;
  const subscribers = new Set(deps.routes.keys());
  return (input: InboundRecord) => {
    const routed = routeRecord(input, { validators: deps.validators, subscribers });
    const subscriber = routed.event.subscriber;
    const route = deps.routes.get(subscriber)!;
    const push = route.push;
    const assigned = deps.store.assign({
      subscriber,
      deliveryId: routed.deliveryId,
      now: now(),
      ...(push ? { push: { lane: routed.lane, fields: deliveryFields(input, routed.event.eventId) } } : {}),
    });
    // The head's job is added by whoever made it head: here when the lane was empty, otherwise the
    // worker that settles the previous head. Adding it again for a re-processed record is a no-op.
    const work = push
      ? assigned.then(async (a) => {
        if (a.laneHead === routed.deliveryId) await push.ensureHead(routed.deliveryId, routed.lane);
        return a;
      })
      : assigned;
    // Awaited by the publisher; marked handled so a batch abandoned mid-way cannot crash the process.
    work.catch(() => undefined);
    const output = route.pull ? subscriberRecord(input, routed, 0) : placeholder();
    deps.ledger.set(output, { work, subscriber, deliveryId: routed.deliveryId, pull: route.pull, release: !push, inputTimestamp: input.timestamp });
    return [output];
  };
}

/** A push-only record's output: never published, it carries the record's work to the publisher. */
function placeholder(): BusRecord {
  return { topic: '', key: null, value: null, headers: { eventId: '', correlationId: '', schema: '', schemaVersion: '' } };
}

function deliveryFields(input: InboundRecord, eventId: string) {
  return {
    eventId,
    body: input.value.toString('utf8'),
    key: input.key,
    source: { topic: input.topic, partition: input.partition, offset: input.offset },
    correlationId: input.headers.correlationId ?? eventId,
    ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
    ...(input.headers.replayId ? { replayId: input.headers.replayId } : {}),
  };
}

export interface SequencingPublisherDeps {
  readonly store: FanoutStore;
  readonly ledger: FanoutLedger;
  readonly onDelivered: (subscriber: string, latencyMs: number) => void;
  readonly logger: ConduitLogger;
  readonly now?: () => number;
}

/**
 * Wraps the stage's publisher: awaits the batch's Redis work (a failure fails the batch, which is
 * retried from its committed offset), numbers the pull records, publishes them, then releases
 * pull-only assignments (a later re-processing is a duplicate with a new number, never a gap) and
 * counts them delivered. Outputs it does not know (DLQ records) pass through.
 */
export function createSequencingPublisher(inner: Publisher, deps: SequencingPublisherDeps): Publisher {
  const now = deps.now ?? Date.now;
  return {
    async publish(records) {
      const entries = records.map((r) => [r, deps.ledger.get(r)] as const);
      const assignments = await Promise.all(entries.map(([, p]) => p?.work));
      const out: BusRecord[] = [];
      entries.forEach(([record, p], i) => {
        if (!p) out.push(record);
        else if (p.pull) out.push({ ...record, value: { ...(record.value as ProjectedEvent), sequence: assignments[i]!.sequence } });
      });
      await inner.publish(out);
      const at = now();
      const release = new Map<string, string[]>();
      for (const [, p] of entries) {
        if (!p?.pull) continue;
        deps.onDelivered(p.subscriber, at - p.inputTimestamp);
        if (p.release) release.set(p.subscriber, [...(release.get(p.subscriber) ?? []), p.deliveryId]);
      }
      // A failed release only leaves entries behind (the same number for a re-processed record): it
      // must not fail the batch, which would publish the records again.
      await Promise.all([...release].map(([subscriber, ids]) =>
        deps.store.release(subscriber, ids).catch((err: unknown) => deps.logger.warn({ err, subscriber, count: ids.length }, 'could not release sequence assignments'))));
    },
    disconnect: () => inner.disconnect(),
  };
}
