import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH, linkEntry, headOf } from './chain.ts';
import { verifyChain } from './verify.ts';
import { compileAuditEntryValidator } from './entry-schema.ts';
import type { AuditEntry, ChainedAuditRecord } from './types.ts';

function entry(n: number): AuditEntry {
  return {
    kind: 'action', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, at: '2026-11-22T10:00:00.000Z', service: 'ops',
    actor: { subject: 'alice', clientId: 'cli' }, sourceAddress: '127.0.0.1', action: 'dlq.payload.read', targets: [`dlq_${n}`],
    reason: 'INC-42 mapping fix', outcome: 'success',
  };
}

function chainOf(n: number): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  for (let i = 0; i < n; i++) out.push(linkEntry(out.length > 0 ? headOf(out[out.length - 1]!) : null, entry(i), '2026-11-22T10:00:01.000Z'));
  return out;
}

const asLog = (records: readonly unknown[]) => records.map((r, i) => ({ value: JSON.stringify(r), position: String(i) }));

test('a chain starts at genesis, numbers its records and links each to the previous hash', () => {
  const chain = chainOf(3);
  assert.equal(chain[0]!.prevHash, GENESIS_HASH);
  assert.deepEqual(chain.map((r) => r.seq), [0, 1, 2]);
  assert.equal(chain[1]!.prevHash, chain[0]!.hash);
  assert.match(chain[2]!.hash, /^[0-9a-f]{64}$/);
  const report = verifyChain(asLog(chain));
  assert.deepEqual(report, { ok: true, records: 3, head: { seq: 2, hash: chain[2]!.hash }, firstBreak: null });
});

test('an altered entry is pinpointed by its own hash', () => {
  const chain = chainOf(5);
  const altered = { ...chain[2]!, entry: { ...chain[2]!.entry, reason: 'something else' } };
  const report = verifyChain(asLog([chain[0], chain[1], altered, chain[3], chain[4]]));
  assert.equal(report.ok, false);
  assert.deepEqual(report.firstBreak, { position: '2', seq: 2, reason: 'hash', expectedSeq: 2 });
  assert.equal(report.records, 5);
  assert.deepEqual(report.head, { seq: 1, hash: chain[1]!.hash });
});

test('a rehashed alteration breaks the next link; removal and reordering break the sequence', () => {
  const chain = chainOf(4);
  const rehashed = linkEntry(headOf(chain[0]!), { ...chain[1]!.entry, outcome: 'denied' }, chain[1]!.chainedAt);
  assert.deepEqual(verifyChain(asLog([chain[0], rehashed, chain[2], chain[3]])).firstBreak, { position: '2', seq: 2, reason: 'previous-hash', expectedSeq: 2 });
  assert.deepEqual(verifyChain(asLog([chain[0], chain[2], chain[3]])).firstBreak, { position: '1', seq: 2, reason: 'sequence', expectedSeq: 1 });
  assert.deepEqual(verifyChain(asLog([chain[1], chain[2]])).firstBreak, { position: '0', seq: 1, reason: 'sequence', expectedSeq: 0 });
  assert.deepEqual(verifyChain([{ value: 'not json', position: '0' }]).firstBreak, { position: '0', seq: null, reason: 'unreadable', expectedSeq: 0 });
});

test('the entry schema accepts an operator action and refuses payload-shaped extras', () => {
  const validate = compileAuditEntryValidator();
  assert.equal(validate(entry(1)), true);
  assert.equal(validate({ ...entry(1), payload: 'MSH|^~\\&|' }), false);
  assert.equal(validate({ ...entry(1), action: 'DLQ READ' }), false);
});
