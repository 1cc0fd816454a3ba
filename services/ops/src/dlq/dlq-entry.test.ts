import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DlqRecord } from '@conduit/events';
import { alreadyIndexed, dlqEntryId, mergeDlqEntry } from './dlq-entry.ts';

const record: DlqRecord = {
  stage: 'normalize', errorCode: 'CDT_RECORD_INVALID', errorDetail: '/ must be object', attempts: 1,
  firstFailureAt: '2026-11-22T10:00:00.000Z', lastFailureAt: '2026-11-22T10:00:00.000Z', sourceEventId: 'ev-1',
  source: { topic: 'conduit.hl7v2.raw.v1', partition: 1, offset: '7' }, payload: 'cdt-seal:v1:dk_x:iv:body',
};
const at = { topic: 'conduit.dlq.v1', partition: 0, offset: '12' };

test('the entry id is a hash of stage, event and subscriber, or of the DLQ position without an event id', () => {
  assert.match(dlqEntryId(record, at), /^dlq_[0-9a-f]{24}$/);
  assert.equal(dlqEntryId(record, at), dlqEntryId(record, { ...at, offset: '99' }));
  assert.notEqual(dlqEntryId(record, at), dlqEntryId({ ...record, stage: 'project' }, at));
  const anonymous: DlqRecord = { ...record };
  delete (anonymous as { sourceEventId?: string }).sourceEventId;
  assert.notEqual(dlqEntryId(anonymous, at), dlqEntryId(anonymous, { ...at, offset: '13' }));
});

test('a new failure of the same message adds its attempts and moves the expiry one TTL past it', () => {
  const first = mergeDlqEntry(null, record, { at, recordKey: 'pk', keyId: 'dk_x', ttlMs: 3600000 });
  assert.equal(first.expiresAt, '2026-11-22T11:00:00.000Z');
  assert.equal(first.status, 'failed');
  const retried = { ...first, status: 'retried' as const, retries: 1, retriedAt: '2026-11-22T10:30:00.000Z' };
  const again = mergeDlqEntry(retried, { ...record, errorCode: 'CDT_MAP_NO_PATIENT', firstFailureAt: '2026-11-22T10:31:00.000Z', lastFailureAt: '2026-11-22T10:31:00.000Z' },
    { at: { ...at, offset: '20' }, recordKey: 'pk', keyId: 'dk_y', ttlMs: 3600000 });
  assert.deepEqual(
    { attempts: again.attempts, first: again.firstFailureAt, last: again.lastFailureAt, code: again.errorCode, status: again.status, retries: again.retries, keyId: again.keyId, expiresAt: again.expiresAt },
    { attempts: 2, first: '2026-11-22T10:00:00.000Z', last: '2026-11-22T10:31:00.000Z', code: 'CDT_MAP_NO_PATIENT', status: 'failed', retries: 1, keyId: 'dk_y', expiresAt: '2026-11-22T11:31:00.000Z' },
  );
  assert.equal(alreadyIndexed(again, { ...at, offset: '20' }), true);
  assert.equal(alreadyIndexed(again, { ...at, offset: '21' }), false);
});
