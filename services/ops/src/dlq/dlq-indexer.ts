import { runStage, type InboundRecord, type Publisher, type RunningStage } from '@conduit/bus';
import { decodeRecord, sealedKeyId, type DataKeyStore, type PayloadSealer, type RecordValidators } from '@conduit/events';
import type { DlqIndexStore } from '@conduit/queue';
import type { ConduitLogger } from '@conduit/log';
import type { KafkaClient } from '../kafka-client.ts';
import { alreadyIndexed, dlqEntryId, mergeDlqEntry } from './dlq-entry.ts';

export interface DlqIndexerOptions {
  readonly kafka: KafkaClient;
  readonly publisher: Publisher;
  readonly topic: string;
  readonly groupId: string;
  readonly validators: RecordValidators;
  readonly store: DlqIndexStore;
  readonly keys: DataKeyStore;
  /** Seals plain payloads (stages without a sealer) so the Redis copy can be shredded too. */
  readonly sealer: (ttlMs: number) => PayloadSealer;
  readonly ttlFor: (stage: string) => number;
  readonly logger: ConduitLogger;
  readonly now?: () => number;
}

/**
 * Keeps the DLQ index in step with the DLQ topic: one entry per failed message, its metadata
 * readable without the payload, and a sealed copy of the payload that dies with its data key.
 */
export async function startDlqIndexer(o: DlqIndexerOptions): Promise<RunningStage> {
  const log = o.logger.child({ component: 'dlq-indexer' });
  const now = o.now ?? Date.now;
  const handle = async (input: InboundRecord) => {
    const record = decodeRecord(o.validators.dlq, input.value);
    const at = { topic: input.topic, partition: input.partition, offset: input.offset };
    const ttlMs = o.ttlFor(record.stage);
    const expiresAt = Date.parse(record.lastFailureAt) + ttlMs;
    const incomingKeyId = record.payload ? sealedKeyId(record.payload) : null;
    if (expiresAt <= now()) {
      // Failed longer ago than its TTL (ops was down): never listed; its key goes now if it lingers.
      if (incomingKeyId) await o.keys.destroy([incomingKeyId]);
      return [];
    }
    const stored = await o.store.get(dlqEntryId(record, at), 0);
    if (alreadyIndexed(stored, at)) return [];
    // An entry past its TTL but not yet purged is not continued: its payload key goes now.
    const expired = stored && Date.parse(stored.expiresAt) <= now();
    if (expired && stored.keyId) await o.keys.destroy([stored.keyId]);
    const existing = expired ? null : stored;
    let sealed: string | null = null;
    let keyId: string | undefined;
    if (record.payload && incomingKeyId) {
      sealed = record.payload;
      keyId = incomingKeyId;
    } else if (record.payload) {
      const s = await o.sealer(expiresAt - now()).seal(Buffer.from(record.payload, 'utf8'));
      sealed = s.sealed;
      keyId = s.keyId;
    }
    const entry = mergeDlqEntry(existing, record, {
      at,
      recordKey: input.key,
      ...(input.headers.correlationId ? { correlationId: input.headers.correlationId } : {}),
      ...(input.headers.traceparent ? { traceparent: input.headers.traceparent } : {}),
      ...(keyId ? { keyId } : {}),
      ttlMs,
    });
    await o.store.put(entry, sealed);
    // The previous failure's payload is superseded: shred it now rather than at its TTL.
    if (existing?.keyId && existing.keyId !== keyId) await o.keys.destroy([existing.keyId]);
    log.info({ id: entry.id, stage: entry.stage, code: entry.errorCode, attempts: entry.attempts }, 'dlq entry indexed');
    return [];
  };
  return runStage({
    kafka: o.kafka,
    groupId: o.groupId,
    topics: [o.topic],
    publisher: o.publisher,
    logger: o.logger,
    handle,
    deadLetter: (input, err) => {
      log.warn({ partition: input.partition, offset: input.offset, code: (err as { code?: string }).code }, 'dlq record not indexed');
      return [];
    },
  });
}
