import { randomUUID } from 'node:crypto';
import type { BusRecord, Publisher } from '@conduit/bus';
import { MAX_AUDIT_TARGETS } from './entry-schema.ts';
import type { AuditEntry } from './types.ts';

/** The inbox every service writes audit entries to; ops chains them onto conduit.audit.v1. */
export const AUDIT_INBOX_TOPIC = 'conduit.audit.inbox.v1';
export const AUDIT_SCHEMA = { name: 'audit-entry', version: '1' } as const;

export type AuditEntryInput = Omit<AuditEntry, 'id' | 'at' | 'service'> & { readonly at?: string };

/**
 * One inbox record for an entry, for stages that write it in the same acknowledged batch as the
 * records it accounts for (a disclosure beside the delivery it describes).
 */
export function auditInboxRecord(input: AuditEntryInput, options: { readonly service: string; readonly topic?: string; readonly now?: () => Date }): BusRecord {
  const entry: AuditEntry = { ...input, id: randomUUID(), at: input.at ?? (options.now ?? (() => new Date()))().toISOString(), service: options.service, targets: input.targets.slice(0, MAX_AUDIT_TARGETS) };
  return {
    topic: options.topic ?? AUDIT_INBOX_TOPIC,
    key: null,
    value: entry,
    headers: { eventId: entry.id, correlationId: entry.id, schema: AUDIT_SCHEMA.name, schemaVersion: AUDIT_SCHEMA.version },
  };
}

export interface AuditWriter {
  /**
   * Resolves once the entries are durably in the inbox (acks=-1): callers that disclose data
   * await this first, so there is no disclosure without its entry. Returns the entries' ids.
   */
  submit(entry: AuditEntryInput): Promise<string[]>;
}

export interface AuditWriterOptions {
  readonly publisher: Publisher;
  readonly service: string;
  readonly topic?: string;
  readonly now?: () => Date;
}

/**
 * Writes unchained entries to the inbox. Any number of writers may do this at once: the chain
 * itself has a single writer (the ops chainer), which is what keeps it linear.
 */
export function createAuditWriter(options: AuditWriterOptions): AuditWriter {
  const topic = options.topic ?? AUDIT_INBOX_TOPIC;
  const now = options.now ?? (() => new Date());
  return {
    async submit(input) {
      const at = input.at ?? now().toISOString();
      const chunks: (readonly string[])[] = [];
      for (let i = 0; i < input.targets.length; i += MAX_AUDIT_TARGETS) chunks.push(input.targets.slice(i, i + MAX_AUDIT_TARGETS));
      if (chunks.length === 0) chunks.push([]);
      const entries: AuditEntry[] = chunks.map((targets, part) => ({
        ...input,
        id: randomUUID(),
        at,
        service: options.service,
        targets,
        ...(chunks.length > 1 ? { details: { ...input.details, part: part + 1, parts: chunks.length } } : {}),
      }));
      await options.publisher.publish(entries.map((entry) => ({
        topic,
        key: null,
        value: entry,
        headers: { eventId: entry.id, correlationId: entries[0]!.id, schema: AUDIT_SCHEMA.name, schemaVersion: AUDIT_SCHEMA.version },
      })));
      return entries.map((e) => e.id);
    },
  };
}
