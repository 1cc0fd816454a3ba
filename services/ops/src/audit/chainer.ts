import { runStage, type BusRecord, type InboundRecord, type Publisher, type RunningStage } from '@conduit/bus';
import { compileAuditEntryValidator, headOf, linkEntry, type AuditEntry, type ChainHead } from '@conduit/audit';
import type { ConduitLogger } from '@conduit/log';
import type { KafkaClient } from '../kafka-client.ts';
import { readChainTail } from './chain-tail.ts';

export const CHAINED_SCHEMA = { name: 'audit-record', version: '1' } as const;

export interface AuditChainerOptions {
  readonly kafka: KafkaClient;
  readonly publisher: Publisher;
  readonly inboxTopic: string;
  readonly chainTopic: string;
  readonly groupId: string;
  readonly logger: ConduitLogger;
  readonly now?: () => Date;
}

interface ChainState {
  head: ChainHead | null;
  /** Inbox offset of the newest chained entry: inbox records at or below it are already chained. */
  lastInbox: bigint;
  /** Head and inbox offset including the batch not yet acknowledged. */
  pendingHead: ChainHead | null;
  pendingInbox: bigint;
}

/**
 * The single writer of the audit chain. Any service submits unchained entries to the one-partition
 * inbox; the consumer group gives that partition to one ops instance at a time, which links each
 * entry to the chain's head and appends it to conduit.audit.v1. The head is re-read from the chain
 * topic whenever this instance (re)gains the partition or a write fails, and each chained record
 * names its inbox offset, so a redelivered inbox batch is never chained twice.
 *
 * Known limit: a stalled instance that lost the partition could still complete one in-flight append
 * after the new owner read the head; `conduit audit verify` reports such a fork. Kafka transactions
 * (a fenced transactional producer) would close that window.
 */
export async function startAuditChainer(o: AuditChainerOptions): Promise<RunningStage> {
  const log = o.logger.child({ component: 'audit-chainer' });
  const validate = compileAuditEntryValidator();
  const now = o.now ?? (() => new Date());
  let state: ChainState | null = null;

  const recover = async (): Promise<ChainState> => {
    const tail = await readChainTail(o.kafka, o.chainTopic);
    const lastInbox = tail?.inboxOffset !== undefined ? BigInt(tail.inboxOffset) : -1n;
    const head = tail ? headOf(tail) : null;
    log.info({ seq: head?.seq ?? null }, 'chain head recovered');
    return { head, lastInbox, pendingHead: head, pendingInbox: lastInbox };
  };

  const entryOf = (record: InboundRecord): AuditEntry => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.value.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (validate(parsed)) return parsed;
    // A malformed submission is itself evidence: chain the fact (never its content) rather than drop it.
    log.warn({ offset: record.offset, code: 'CDT_RECORD_INVALID' }, 'audit submission refused');
    return {
      kind: 'system', id: `inbox-${record.offset}`, at: now().toISOString(), service: 'ops', actor: { subject: 'service:ops' },
      action: 'audit.submission-refused', targets: [`inbox:${record.offset}`], outcome: 'failed', code: 'CDT_RECORD_INVALID',
    };
  };

  const handle = async (record: InboundRecord): Promise<BusRecord[]> => {
    state ??= await recover();
    const offset = BigInt(record.offset);
    if (offset <= state.pendingInbox) return [];
    const chained = linkEntry(state.pendingHead, entryOf(record), now().toISOString(), record.offset);
    state.pendingHead = headOf(chained);
    state.pendingInbox = offset;
    return [{
      topic: o.chainTopic,
      key: null,
      value: chained,
      headers: { eventId: chained.entry.id, correlationId: chained.entry.id, schema: CHAINED_SCHEMA.name, schemaVersion: CHAINED_SCHEMA.version },
    }];
  };

  // The stage publishes a batch's links in one acknowledged write; only then do they become the head.
  const publisher: Publisher = {
    async publish(records) {
      try {
        await o.publisher.publish(records);
        if (state) {
          state.head = state.pendingHead;
          state.lastInbox = state.pendingInbox;
        }
      } catch (err) {
        state = null;
        throw err;
      }
    },
    disconnect: () => Promise.resolve(),
  };

  const stage = await runStage({
    kafka: o.kafka,
    groupId: o.groupId,
    topics: [o.inboxTopic],
    publisher,
    logger: o.logger,
    handle,
    // handle() never throws a catalogued error for a bad entry (it chains a refusal instead).
    deadLetter: () => [],
    partitionsConsumedConcurrently: 1,
  });
  stage.consumer.on(stage.consumer.events.GROUP_JOIN, () => {
    state = null;
  });
  return stage;
}
