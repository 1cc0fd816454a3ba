import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InboundRecord } from '@conduit/bus';
import { createRecordValidators, type CanonicalEvent, type RawMessageRecord } from '@conduit/events';
import { createFhirValidator, type FhirValidator } from '@conduit/fhir-map';
import { normalizeRecord, type NormalizeDeps } from './normalize-record.ts';

const HL7 = [
  'MSH|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122080000||ADT^A01^ADT_A01|CTL1|P|2.5.1',
  'PID|1||MRN1^^^MPI^MR||DOE^JANE||19800401|F',
  'PV1|1|I|4W^401^B',
].join('\r');

function inbound(hl7: string): InboundRecord {
  const raw: RawMessageRecord = {
    receivedAt: '2026-11-22T14:00:00.000Z',
    listener: 'mllp-test',
    transport: 'mllp',
    header: { sendingApplication: 'EPIC', sendingFacility: 'GOODHEALTH', messageCode: 'ADT', triggerEvent: 'A01', controlId: 'CTL1', version: '2.5.1' },
    charset: 'UTF-8',
    hl7,
  };
  return { topic: 'conduit.hl7v2.raw.v1', partition: 0, offset: '0', timestamp: 0, key: null, value: Buffer.from(JSON.stringify(raw)), headers: { eventId: 'e-1' } };
}

const fhirValidator = createFhirValidator();
const deps = (over: Partial<NormalizeDeps> = {}): NormalizeDeps => ({
  validators: createRecordValidators(),
  patientKeySecret: Buffer.from('normalize-test-patient-key'),
  fhirValidator,
  mapping: { timeZone: 'UTC' },
  ...over,
});

const eventOf = (records: ReturnType<typeof normalizeRecord>) => records[0]!.value as CanonicalEvent;

test('the process-wide validator checks every bundle, and the mapping settings reach the mapping', () => {
  let validated = 0;
  const counting: FhirValidator = { resourceTypes: fhirValidator.resourceTypes, validateBundle: (b) => (validated++, fhirValidator.validateBundle(b)) };
  const settings = { timeZone: 'America/Chicago', identifierSystems: { authorities: { MPI: 'https://mpi.example.org/id' } } };
  const event = eventOf(normalizeRecord(inbound(HL7), deps({ fhirValidator: counting, mapping: settings })));
  assert.equal(validated, 1);
  assert.equal(event.occurredAt, '2026-11-22T08:00:00-06:00', 'MSH-7 without an offset is in the configured zone');
  const patient = event.bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as { identifier?: { system?: string }[] };
  assert.equal(patient.identifier?.[0]?.system, 'https://mpi.example.org/id');
  assert.equal(eventOf(normalizeRecord(inbound(HL7), deps())).occurredAt, '2026-11-22T08:00:00+00:00', 'UTC by default');
});
