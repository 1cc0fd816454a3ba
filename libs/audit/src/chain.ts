import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { AuditEntry, ChainHead, ChainedAuditRecord } from './types.ts';

/** The prevHash of the first record: a chain starts from nothing, visibly. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hash a record must carry, from its predecessor's hash and its own hashed fields. */
export function computeLinkHash(prevHash: string, record: Pick<ChainedAuditRecord, 'v' | 'seq' | 'chainedAt' | 'inboxOffset' | 'entry'>): string {
  const body = canonicalJson({ v: record.v, seq: record.seq, chainedAt: record.chainedAt, inboxOffset: record.inboxOffset, entry: record.entry });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Appends one entry after `head` (null: the chain is empty). Pure: the caller persists the result. */
export function linkEntry(head: ChainHead | null, entry: AuditEntry, chainedAt: string, inboxOffset?: string): ChainedAuditRecord {
  const prevHash = head?.hash ?? GENESIS_HASH;
  const seq = head ? head.seq + 1 : 0;
  const unsigned = { v: 1 as const, seq, chainedAt, ...(inboxOffset !== undefined ? { inboxOffset } : {}), entry };
  return { ...unsigned, prevHash, hash: computeLinkHash(prevHash, unsigned) };
}

export function headOf(record: ChainedAuditRecord): ChainHead {
  return { seq: record.seq, hash: record.hash };
}
