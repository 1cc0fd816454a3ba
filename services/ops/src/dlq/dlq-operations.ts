import { SchemaIds, openSealedPayload, type DataKeyStore } from '@conduit/events';
import type { BusRecord, Publisher } from '@conduit/bus';
import { ConduitError } from '@conduit/errors';
import type { DlqFilter, DlqIndexEntry, DlqIndexStore, DlqPage, DlqRemoval } from '@conduit/queue';

/** The schema of each stage's input: a retried record goes back where it came from, as it was. */
const INPUT_SCHEMA: Readonly<Record<string, { name: string; version: string }>> = {
  normalize: SchemaIds.raw,
  project: SchemaIds.canonical,
  fanout: SchemaIds.projected,
};

export interface RetryReport {
  readonly retried: readonly string[];
  /** Listed, but the payload's data key is gone (expired or purged): nothing to retry. */
  readonly gone: readonly string[];
  readonly missing: readonly string[];
}

export interface DlqOperations {
  list(filter: DlqFilter, page: { offset: number; limit: number }): Promise<DlqPage>;
  get(id: string): Promise<DlqIndexEntry>;
  /** The failed record's value as it was read; the caller audits the disclosure first. */
  readPayload(id: string): Promise<{ entry: DlqIndexEntry; payload: Buffer }>;
  retry(ids: readonly string[]): Promise<RetryReport>;
  purge(ids: readonly string[]): Promise<DlqRemoval & { readonly missing: readonly string[] }>;
  /** Ids matching a filter, for bulk retry and purge (at most `limit`). */
  select(filter: DlqFilter, limit: number): Promise<string[]>;
}

export interface DlqOperationsOptions {
  readonly store: DlqIndexStore;
  readonly keys: DataKeyStore;
  readonly publisher: Publisher;
  readonly now?: () => number;
}

export function createDlqOperations(o: DlqOperationsOptions): DlqOperations {
  const now = o.now ?? Date.now;
  const get = async (id: string) => {
    const entry = await o.store.get(id, now());
    if (!entry) throw new ConduitError('CDT_DLQ_NOT_FOUND');
    return entry;
  };
  const readPayload = async (id: string) => {
    const found = await o.store.getWithPayload(id, now());
    if (!found) throw new ConduitError('CDT_DLQ_NOT_FOUND');
    const payload = found.sealed ? await openSealedPayload(found.sealed, o.keys) : null;
    if (!payload) throw new ConduitError('CDT_DLQ_PAYLOAD_GONE');
    return { entry: found.entry, payload };
  };
  return {
    list: (filter, page) => o.store.list(filter, page, now()),
    get,
    readPayload,
    async retry(ids) {
      const retried: string[] = [];
      const gone: string[] = [];
      const missing: string[] = [];
      const records: BusRecord[] = [];
      const entries: DlqIndexEntry[] = [];
      for (const id of ids) {
        try {
          const { entry, payload } = await readPayload(id);
          const eventId = entry.sourceEventId ?? `${entry.source.topic}/${entry.source.partition}/${entry.source.offset}`;
          const schema = INPUT_SCHEMA[entry.stage] ?? { name: 'unknown', version: '0' };
          records.push({
            topic: entry.source.topic,
            key: entry.recordKey,
            value: payload,
            headers: {
              eventId,
              correlationId: entry.correlationId ?? eventId,
              schema: schema.name,
              schemaVersion: schema.version,
              ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
            },
          });
          entries.push(entry);
        } catch (err) {
          if (err instanceof ConduitError && err.code === 'CDT_DLQ_PAYLOAD_GONE') gone.push(id);
          else if (err instanceof ConduitError && err.code === 'CDT_DLQ_NOT_FOUND') missing.push(id);
          else throw err;
        }
      }
      // Marked before the write: a retried record that fails again at once is then merged onto
      // the 'retried' entry by the indexer, not overwritten by it.
      const at = new Date(now()).toISOString();
      const marked: DlqIndexEntry[] = [];
      const toSend: BusRecord[] = [];
      for (const [i, entry] of entries.entries()) {
        if (await o.store.update({ ...entry, status: 'retried', retries: entry.retries + 1, retriedAt: at })) {
          marked.push(entry);
          toSend.push(records[i]!);
        } else missing.push(entry.id);
      }
      try {
        await o.publisher.publish(toSend);
      } catch (err) {
        for (const entry of marked) await o.store.update(entry);
        throw err;
      }
      retried.push(...marked.map((e) => e.id));
      return { retried, gone, missing };
    },
    async purge(ids) {
      const present: string[] = [];
      const missing: string[] = [];
      for (const id of ids) ((await o.store.get(id, 0)) ? present : missing).push(id);
      const removal = await o.store.remove(present);
      return { ...removal, missing };
    },
    async select(filter, limit) {
      return (await o.store.list(filter, { offset: 0, limit }, now())).entries.map((e) => e.id);
    },
  };
}
