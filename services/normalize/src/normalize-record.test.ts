import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InboundRecord } from '@conduit/bus';
import { isConduitError } from '@conduit/errors';
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

const eventOf = (records: ReturnType<typeof normalizeRecord>) => JSON.parse((records[0]!.value as Buffer).toString('utf8')) as CanonicalEvent;

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

test('a report PDF larger than 1 MiB is carried when the attachment limit allows it, and refused with a catalog code when not', () => {
  const pdf = Buffer.alloc(2 * 1024 * 1024, 0x25).toString('base64');
  const oru = [
    'MSH|^~\\&|LAB|GOODHEALTH|CONDUIT|CONDUIT|20261122080000||ORU^R01^ORU_R01|CTL2|P|2.5.1',
    'PID|1||MRN1^^^MPI^MR||DOE^JANE||19800401|F',
    'OBR|1|ORD1|LAB1|11502-2^Laboratory report^LN|||20261122071500||||||||||||||||||F',
    `OBX|1|ED|11502-2^Laboratory report^LN||^AP^PDF^Base64^${pdf}||||||F`,
  ].join('\r');
  const larger = createFhirValidator({ base64BinaryMaxBytes: 5 * 1024 * 1024 });
  const event = eventOf(normalizeRecord(inbound(oru), deps({ fhirValidator: larger })));
  assert.ok(JSON.stringify(event.bundle).includes(pdf), 'the PDF is in the bundle whole');
  assert.throws(() => normalizeRecord(inbound(oru), deps()), (err: unknown) => isConduitError(err) && err.code === 'CDT_MAP_FHIR_INVALID' && err.message.includes('.data (value)') && !err.message.includes(pdf.slice(0, 40)));
});

test('a canonical event larger than the topic takes is refused with CDT_RECORD_TOO_LARGE, its size named, so it is dead-lettered', () => {
  const [record] = normalizeRecord(inbound(HL7), deps());
  const size = (record!.value as Buffer).length;
  assert.equal(JSON.parse((record!.value as Buffer).toString('utf8')).eventId, 'e-1', 'the value is the event as JSON');
  assert.deepEqual(normalizeRecord(inbound(HL7), deps({ maxRecordBytes: size })).length, 1, 'an event of exactly the limit is published');
  assert.throws(() => normalizeRecord(inbound(HL7), deps({ maxRecordBytes: size - 1 })), (err: unknown) =>
    isConduitError(err) && err.code === 'CDT_RECORD_TOO_LARGE' && !err.retriable && err.message.includes(`${size} bytes; the limit is ${size - 1}`));
});
