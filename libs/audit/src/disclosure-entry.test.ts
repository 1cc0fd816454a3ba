import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditInboxRecord } from './audit-writer.ts';
import { disclosureAuditEntry } from './disclosure-entry.ts';
import { compileAuditEntryValidator } from './entry-schema.ts';

test('a disclosure becomes a valid inbox record that names ids, types and purpose, never content', () => {
  const entry = disclosureAuditEntry({
    subscriber: 'care-management', purposeOfUse: 'TREAT', contractVersion: '2', projectedEventId: 'p-1', sourceEventId: 's-1', eventType: 'patient-admitted',
    resourceTypes: ['Encounter', 'Patient'], resourceCount: 2, patientToken: 'tok', patientKey: 'pk', deidentified: false, replay: true, disclosedAt: '2026-11-22T10:00:00.000Z',
  }, 'fanout');
  const record = auditInboxRecord(entry, { service: 'fanout' });
  assert.equal(record.topic, 'conduit.audit.inbox.v1');
  const validate = compileAuditEntryValidator();
  assert.equal(validate(record.value), true, JSON.stringify(validate.errors));
  const value = record.value as { kind: string; actor: unknown; targets: unknown; at: string; details: Record<string, unknown> };
  assert.deepEqual([value.kind, value.actor, value.targets, value.at], ['disclosure', { subject: 'service:fanout' }, ['p-1', 's-1'], '2026-11-22T10:00:00.000Z']);
  assert.equal(value.details['replay'], true);
});
