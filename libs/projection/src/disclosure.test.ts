import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDisclosure } from './disclosure.ts';
import { createProjector } from './projector.ts';
import { PHI, researchContract, seededEvent, testKeys, treatmentContract } from './test-fixtures.ts';

test('a disclosure record says who got what kind of data about which token, when and why, and holds no PHI', () => {
  const event = seededEvent();
  const [care, research] = createProjector({ contracts: [treatmentContract(), researchContract()], keys: testKeys }).project(event);
  assert.ok(care && research);
  const entry = buildDisclosure(care, { disclosedAt: '2026-11-23T00:00:02.000Z', patientKey: event.patientKey });
  assert.deepEqual(entry, {
    kind: 'disclosure',
    subscriber: 'care-team',
    purposeOfUse: 'TREAT',
    contractVersion: '3',
    projectedEventId: care.eventId,
    sourceEventId: event.eventId,
    eventType: 'patient-admitted',
    resourceTypes: ['DiagnosticReport', 'Encounter', 'Observation', 'Patient', 'Practitioner'],
    resourceCount: 5,
    patientToken: care.patientToken,
    patientKey: 'pk-GOODHEALTH-78123456-keyed',
    deidentified: false,
    replay: false,
    disclosedAt: '2026-11-23T00:00:02.000Z',
  });
  const json = JSON.stringify([entry, buildDisclosure(research, { disclosedAt: '2026-11-23T00:00:02.000Z' })]);
  for (const v of Object.values(PHI)) assert.equal(json.includes(v), false);
  assert.equal(json.includes('substance-use'), false, 'withheld categories stay out of the audit trail');
  assert.equal(buildDisclosure(research, { disclosedAt: 'x' }).deidentified, true);
});
