import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { deriveEventId } from '@conduit/bus';
import { Topics, type CanonicalEvent, type DlqRecord } from '@conduit/events';
import { parseHl7, sendWithReferenceClient } from '@conduit/hl7v2';
import { MllpClient } from '@conduit/mllp';
import { startPipeline, type Pipeline } from './pipeline-harness.ts';

// Twenty real LOINC chemistry/hematology codes with valid check digits and UCUM units.
const TESTS: readonly [code: string, name: string, value: string, unit: string, range: string, flag: string][] = [
  ['2345-7', 'Glucose', '95', 'mg/dL', '70-99', 'N'], ['2160-0', 'Creatinine', '1.1', 'mg/dL', '0.6-1.3', 'N'],
  ['3094-0', 'Urea nitrogen', '22', 'mg/dL', '7-20', 'H'], ['2951-2', 'Sodium', '139', 'mmol/L', '136-145', 'N'],
  ['2823-3', 'Potassium', '3.2', 'mmol/L', '3.5-5.1', 'L'], ['2075-0', 'Chloride', '101', 'mmol/L', '98-107', 'N'],
  ['2028-9', 'Carbon dioxide', '24', 'mmol/L', '22-29', 'N'], ['17861-6', 'Calcium', '9.4', 'mg/dL', '8.6-10.3', 'N'],
  ['2885-2', 'Protein', '7.0', 'g/dL', '6.0-8.3', 'N'], ['1751-7', 'Albumin', '4.1', 'g/dL', '3.5-5.2', 'N'],
  ['1975-2', 'Bilirubin total', '0.8', 'mg/dL', '0.1-1.2', 'N'], ['6768-6', 'Alkaline phosphatase', '88', 'U/L', '40-129', 'N'],
  ['1742-6', 'ALT', '31', 'U/L', '7-56', 'N'], ['1920-8', 'AST', '28', 'U/L', '10-40', 'N'],
  ['6690-2', 'Leukocytes', '7.2', '10*3/uL', '4.5-11.0', 'N'], ['789-8', 'Erythrocytes', '4.6', '10*6/uL', '4.2-5.4', 'N'],
  ['718-7', 'Hemoglobin', '13.9', 'g/dL', '12.0-16.0', 'N'], ['4544-3', 'Hematocrit', '41', '%', '36-46', 'N'],
  ['777-3', 'Platelets', '250', '10*3/uL', '150-400', 'N'], ['2093-3', 'Cholesterol', '212', 'mg/dL', '0-199', 'H'],
];

function oru(controlId: string): string {
  const obx = TESTS.map(([code, name, value, unit, range, flag], i) =>
    `OBX|${i + 1}|NM|${code}^${name}^LN||${value}|${unit}^${unit}^UCUM|${range}|${flag}|||F|||20261122071500-0500`).join('\r');
  return [
    `MSH|^~\\&|LAB|GOODHEALTH|CONDUIT|CONDUIT|20261122080000-0500||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    'PID|1||MRN78123456^^^GOODHEALTH^MR||EVERYWOMAN^EVE^E^^^^L||19620320|F',
    'PV1|1|O|LAB^^^GOODHEALTH',
    'ORC|RE|ORD448811|LAB5544||CM',
    'OBR|1|ORD448811|LAB5544|24323-8^Comprehensive metabolic panel^LN|||20261122071500-0500|||||||||||||||20261122075500-0500|||F',
    obx,
  ].join('\r') + '\r';
}

let pipeline: Pipeline;
before(async () => {
  pipeline = await startPipeline({ only: ['ingest', 'normalize'] });
});
after(async () => {
  await pipeline?.stop();
});

test('an ORU^R01 with 20 OBX over MLLP becomes a DiagnosticReport with 20 coded Observations', async () => {
  const controlId = `O${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  const ack = parseHl7(await sendWithReferenceClient({ host: '127.0.0.1', port: pipeline.mllpPort, message: oru(controlId) }));
  assert.equal(ack.segment('MSA')?.get(1), 'AA');
  const eventId = deriveEventId('LAB', 'GOODHEALTH', controlId);
  const records = await pipeline.read(Topics.canonical, (seen) => seen.some((r) => r.headers.eventId === eventId));
  const record = records.find((r) => r.headers.eventId === eventId);
  assert.ok(record, 'the canonical event was published');
  const event = JSON.parse(record.value.toString()) as CanonicalEvent;
  assert.equal(event.eventType, 'result-reported');
  const resources = (event.bundle.entry ?? []).map((e) => e.resource!);
  const reports = resources.filter((r): r is DiagnosticReport => r.resourceType === 'DiagnosticReport');
  assert.equal(reports.length, 1);
  const report = reports[0]!;
  assert.equal(report.status, 'final');
  assert.equal(report.code.coding?.[0]?.code, '24323-8');
  assert.equal(report.code.coding?.[0]?.system, 'http://loinc.org');
  assert.equal(report.result?.length, 20);
  const observations = new Map(resources.filter((r): r is Observation => r.resourceType === 'Observation').map((o) => [`Observation/${o.id}`, o]));
  const byFullUrl = new Map((event.bundle.entry ?? []).map((e) => [e.fullUrl, e.resource]));
  TESTS.forEach(([code, , value, unit, , flag], i) => {
    const ref = report.result![i]!.reference!;
    const obs = (observations.get(ref) ?? byFullUrl.get(ref)) as Observation | undefined;
    assert.ok(obs, `result ${i + 1} resolves to an Observation in the bundle`);
    assert.equal(obs.status, 'final');
    assert.deepEqual(obs.code.coding?.[0] && { system: obs.code.coding[0].system, code: obs.code.coding[0].code }, { system: 'http://loinc.org', code });
    assert.equal(obs.valueQuantity?.value, Number(value));
    assert.equal(obs.valueQuantity?.system, 'http://unitsofmeasure.org');
    assert.equal(obs.valueQuantity?.code, unit);
    assert.equal(obs.interpretation?.[0]?.coding?.[0]?.code, flag);
    assert.equal(obs.interpretation?.[0]?.coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation');
  });
});

/**
 * Sends a large ORU, then an ordinary one for the same patient (so to the same partition); asserts
 * that the ordinary one is normalized and the large one is not, and returns the large one's DLQ record.
 */
async function deadLetteredAhead(big: string, bigId: string): Promise<DlqRecord> {
  const bigEvent = deriveEventId('LAB', 'GOODHEALTH', bigId);
  const client = await MllpClient.connect({ host: '127.0.0.1', port: pipeline.mllpPort });
  try {
    assert.equal(parseHl7(await client.send(big)).segment('MSA')?.get(1), 'AA', 'ingest stores it: the raw record fits');
    const nextId = `O${randomUUID().replaceAll('-', '').slice(0, 18)}`;
    assert.equal(parseHl7(await client.send(oru(nextId))).segment('MSA')?.get(1), 'AA');
    const nextEvent = deriveEventId('LAB', 'GOODHEALTH', nextId);
    const canonical = await pipeline.read(Topics.canonical, (seen) => seen.some((r) => r.headers.eventId === nextEvent));
    assert.ok(canonical.some((r) => r.headers.eventId === nextEvent), 'the next message on the partition was normalized');
    assert.equal(canonical.some((r) => r.headers.eventId === bigEvent), false);
  } finally {
    client.close();
  }
  const mine = (records: readonly { value: Buffer }[]) => records.map((r) => JSON.parse(r.value.toString('utf8')) as DlqRecord).find((d) => d.sourceEventId === bigEvent);
  return mine(await pipeline.read(Topics.dlq, (seen) => mine(seen) !== undefined))!;
}

test('an ORU whose canonical event would exceed the topic limit is dead-lettered CDT_RECORD_TOO_LARGE, and its partition goes on', async () => {
  // 15,000 results (~1.4 MiB of HL7) map to ~15 MB of canonical JSON, past the topics' 10 MiB.
  const bigId = `B${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  const lines = oru(bigId).split('\r').filter((l) => l !== '' && !l.startsWith('OBX'));
  const many = Array.from({ length: 15000 }, (_, i) => `OBX|${i + 1}|NM|2345-7^Glucose^LN||${90 + (i % 20)}|mg/dL^mg/dL^UCUM|70-99|N|||F|||20261122071500-0500`);
  const dead = await deadLetteredAhead([...lines, ...many].join('\r') + '\r', bigId);
  assert.deepEqual([dead.stage, dead.errorCode], ['normalize', 'CDT_RECORD_TOO_LARGE']);
  assert.match(dead.errorDetail ?? '', /^canonical event of \d+ bytes; the limit is 10420224$/);
  assert.equal(dead.payload?.startsWith('cdt-seal:v1:'), true, 'the raw record is kept, sealed, for a retry');
});

test('a failed message too large to keep in the DLQ is dead-lettered without its payload, and its partition goes on', async () => {
  // ~7.6 MiB of report text: sealed, the raw record would be over the DLQ topic's 10 MiB.
  // OBR-25 "A" (some results available) has no DiagnosticReport.status, so normalize refuses it.
  const bigId = `D${randomUUID().replaceAll('-', '').slice(0, 18)}`;
  const lines = oru(bigId).split('\r').filter((l) => l !== '' && !l.startsWith('OBX'));
  const big = [...lines.map((l) => (l.startsWith('OBR') ? l.replace(/\|F$/, '|A') : l)), `OBX|1|TX|11502-2^Laboratory report^LN||${'report text '.repeat(660_000)}||||||F`].join('\r') + '\r';
  const dead = await deadLetteredAhead(big, bigId);
  assert.deepEqual([dead.stage, dead.errorCode, dead.payload, dead.payloadOmitted], ['normalize', 'CDT_MAP_UNMAPPED_RESULT_STATUS', undefined, true]);
  assert.equal(dead.source.topic, Topics.raw, 'the source record is named');
});
