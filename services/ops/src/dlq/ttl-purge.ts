import type { AuditWriter } from '@conduit/audit';
import type { DlqIndexStore } from '@conduit/queue';
import type { ConduitLogger } from '@conduit/log';

export interface PurgeSummary {
  readonly at: string;
  readonly entries: number;
  readonly keys: number;
  readonly auditIds: readonly string[];
}

export interface TtlPurgeOptions {
  readonly store: DlqIndexStore;
  readonly audit: AuditWriter;
  readonly logger: ConduitLogger;
  readonly record: (summary: PurgeSummary) => Promise<void>;
  readonly now?: () => number;
  readonly batch?: number;
}

/**
 * One run of the TTL purge: every index entry past its expiry goes, with its payload copy and
 * its data key (which makes the Kafka copies unreadable too). Redis has usually expired the keys
 * already (they carry the TTL themselves); this run removes what remains and leaves the evidence:
 * an audit entry with the ids and counts, never content.
 */
export function createTtlPurge(o: TtlPurgeOptions): () => Promise<PurgeSummary | null> {
  const now = o.now ?? Date.now;
  const batch = o.batch ?? 500;
  return async () => {
    const started = now();
    let entries = 0;
    let keys = 0;
    const ids: string[] = [];
    for (;;) {
      const expired = await o.store.expiredIds(started, batch);
      if (expired.length === 0) break;
      const removal = await o.store.remove(expired);
      entries += removal.entries;
      keys += removal.keys;
      ids.push(...expired);
      if (expired.length < batch) break;
    }
    if (ids.length === 0) return null;
    const auditIds = await o.audit.submit({
      kind: 'system',
      actor: { subject: 'service:ops' },
      action: 'dlq.purge.ttl',
      targets: ids,
      outcome: 'success',
      details: { expired: ids.length, entries, keys },
    });
    const summary = { at: new Date(started).toISOString(), entries: ids.length, keys, auditIds };
    await o.record(summary);
    o.logger.info({ expired: ids.length, entries, keys }, 'dlq ttl purge');
    return summary;
  };
}
