import { computeLinkHash, GENESIS_HASH } from './chain.ts';
import type { ChainHead, ChainedAuditRecord } from './types.ts';

/**
 * Why a link is broken:
 * - `unreadable`: the record is not a chained audit record (not JSON, or fields missing);
 * - `sequence`: its number is not the next one (a record was removed, or inserted);
 * - `previous-hash`: it does not name its predecessor's hash (the predecessor was altered and
 *   rehashed, or records were reordered);
 * - `hash`: its own fields do not hash to the hash it carries (this record was altered).
 */
export type ChainBreakReason = 'unreadable' | 'sequence' | 'previous-hash' | 'hash';

export interface ChainBreak {
  /** Position of the offending record in the log (Kafka offset), as the reader gave it. */
  readonly position: string;
  readonly seq: number | null;
  readonly reason: ChainBreakReason;
  readonly expectedSeq: number;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly records: number;
  readonly head: ChainHead | null;
  readonly firstBreak: ChainBreak | null;
}

export interface ChainVerifier {
  /** Checks the next record in log order; returns the break it finds (only the first is kept). */
  push(value: Buffer | string, position: string): ChainBreak | null;
  report(): ChainReport;
}

/**
 * Walks a chain in log order, holding only the last good head, so a topic of any length is
 * verified in one pass. After the first break it keeps counting records but stops judging them:
 * every later link depends on the broken one.
 */
export function createChainVerifier(): ChainVerifier {
  let head: ChainHead | null = null;
  let records = 0;
  let firstBreak: ChainBreak | null = null;
  return {
    push(value, position) {
      records++;
      if (firstBreak) return null;
      const expectedSeq = head ? head.seq + 1 : 0;
      const record = parseRecord(value);
      const fail = (reason: ChainBreakReason): ChainBreak => (firstBreak = { position, seq: record?.seq ?? null, reason, expectedSeq });
      if (!record) return fail('unreadable');
      if (record.seq !== expectedSeq) return fail('sequence');
      if (record.prevHash !== (head?.hash ?? GENESIS_HASH)) return fail('previous-hash');
      if (computeLinkHash(record.prevHash, record) !== record.hash) return fail('hash');
      head = { seq: record.seq, hash: record.hash };
      return null;
    },
    report() {
      return { ok: firstBreak === null, records, head, firstBreak };
    },
  };
}

export function verifyChain(records: readonly { value: Buffer | string; position: string }[]): ChainReport {
  const verifier = createChainVerifier();
  for (const r of records) verifier.push(r.value, r.position);
  return verifier.report();
}

function parseRecord(value: Buffer | string): ChainedAuditRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const r = parsed as Record<string, unknown>;
  const ok = r['v'] === 1 && Number.isInteger(r['seq']) && typeof r['chainedAt'] === 'string' && typeof r['prevHash'] === 'string'
    && typeof r['hash'] === 'string' && !!r['entry'] && typeof r['entry'] === 'object';
  return ok ? (parsed as ChainedAuditRecord) : null;
}
