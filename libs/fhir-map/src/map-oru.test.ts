import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiagnosticReport, Encounter, Observation, Organization, Practitioner, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { isConduitError } from '@conduit/errors';
import { all, hl7, mapText, one, resolve, seg, unmappedPaths } from './test-fixtures.ts';

const MSH = 'MSH|^~\\&|LAB|GOODHEALTH|CONDUIT|CONDUIT|20261122080000-0500||ORU^R01^ORU_R01|LAB0001|P|2.5.1';
const PID = 'PID|1||MRN78123456^^^GOODHEALTH^MR||EVERYWOMAN^EVE^E^^^^L||19620320|F';
const ORC = 'ORC|RE|ORD448811^EHR|LAB5544^LAB||CM';
const OBR = (status = 'F', extra: Readonly<Record<number, string>> = {}) => seg('OBR', {
  1: '1', 2: 'ORD448811^EHR', 3: 'LAB5544^LAB', 4: '24323-8^Comprehensive metabolic panel^LN', 7: '20261122071500-0500', 22: '20261122075500-0500', 24: 'CH', 25: status, ...extra,
});

const TESTS: readonly (readonly [code: string, name: string, value: string, unit: string, range: string, flag: string])[] = [
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

test('ORU^R01 with 20 OBX: one DiagnosticReport with 20 correctly coded Observations, in order', () => {
  const obx = TESTS.map(([code, name, value, unit, range, flag], i) =>
    `OBX|${i + 1}|NM|${code}^${name}^LN||${value}|${unit}^${unit}^UCUM|${range}|${flag}|||F|||20261122071500-0500`);
  const event = mapText(hl7(MSH, PID, 'PV1|1|O|LAB^^^GOODHEALTH', ORC, OBR(), ...obx));
  assert.equal(event.eventType, 'result-reported');
  const report = one<DiagnosticReport>(event.bundle, 'DiagnosticReport');
  assert.equal(report.status, 'final');
  assert.deepEqual(report.code, { coding: [{ system: 'http://loinc.org', code: '24323-8', display: 'Comprehensive metabolic panel' }] });
  assert.equal(report.effectiveDateTime, '2026-11-22T07:15:00-05:00');
  assert.equal(report.issued, '2026-11-22T07:55:00-05:00');
  assert.deepEqual(report.category, [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'CH' }] }]);
  assert.equal(report.result?.length, 20);
  const request = one<ServiceRequest>(event.bundle, 'ServiceRequest');
  assert.deepEqual(report.basedOn, [{ reference: `urn:uuid:${request.id}` }]);
  TESTS.forEach(([code, name, value, unit, range, flag], i) => {
    const obs = resolve<Observation>(event.bundle, report.result![i]);
    assert.equal(obs.status, 'final');
    assert.deepEqual(obs.code, { coding: [{ system: 'http://loinc.org', code, display: name }] });
    assert.deepEqual(obs.valueQuantity, { value: Number(value), unit, code: unit, system: 'http://unitsofmeasure.org' });
    const [low, high] = range.split('-').map(Number);
    assert.deepEqual(obs.referenceRange, [{ low: { value: low, unit, code: unit, system: 'http://unitsofmeasure.org' }, high: { value: high, unit, code: unit, system: 'http://unitsofmeasure.org' }, text: range }]);
    assert.deepEqual(obs.interpretation, [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: flag }] }]);
    assert.equal(obs.effectiveDateTime, '2026-11-22T07:15:00-05:00');
    assert.equal(obs.subject?.reference, report.subject?.reference);
    assert.equal(obs.encounter?.reference, `urn:uuid:${one<Encounter>(event.bundle, 'Encounter').id}`);
  });
  assert.deepEqual(event.mappingReport?.unmapped, []);
});

test('ORC/OBR → ServiceRequest: placer and filler identifiers, status from ORC-5, requester', () => {
  const { bundle } = mapText(hl7(MSH, PID, seg('ORC', { 1: 'RE', 2: 'ORD1^EHR^1.2.3^ISO', 3: 'FIL1^LAB', 5: 'CM', 12: '77^ORDER^OLLIE' }), OBR('F', { 2: 'ORD1^EHR^1.2.3^ISO', 3: 'FIL1^LAB' }), 'OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F'));
  const request = one<ServiceRequest>(bundle, 'ServiceRequest');
  assert.equal(request.status, 'completed');
  assert.equal(request.intent, 'order');
  assert.deepEqual(request.identifier, [
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] }, system: 'urn:oid:1.2.3', value: 'ORD1' },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }] }, system: 'urn:conduit:id:LAB', value: 'FIL1' },
  ]);
  assert.equal(resolve<Practitioner>(bundle, request.requester).name?.[0]?.family, 'ORDER');
  const obs = one<Observation>(bundle, 'Observation');
  assert.deepEqual(obs.valueQuantity, { value: 95, unit: 'mg/dL' }, 'without a coding system (CWE.3) the unit is text only (CWE[Quantity])');
});

function valueOf(type: string, value: string, units = ''): Observation {
  const { bundle } = mapText(hl7(MSH, PID, OBR(), `OBX|1|${type}|8867-4^Heart rate^LN||${value}|${units}|||||F`));
  return one<Observation>(bundle, 'Observation');
}

test('OBX value types: NM, ST, TX, FT, CE, CWE, CNE, IS, DT, DTM, TS, TM, DR, NR', () => {
  assert.deepEqual(valueOf('NM', '-12.50', 'beats/min^^ISO').valueQuantity, { value: -12.5, unit: 'beats/min', code: 'beats/min', system: 'ISO' });
  assert.deepEqual(valueOf('NM', '7', '%').valueQuantity, { value: 7, unit: '%' });
  assert.equal(valueOf('ST', 'NEGATIVE').valueString, 'NEGATIVE');
  assert.equal(valueOf('TX', '  Line one~Line two').valueString, '  Line one\nLine two');
  assert.equal(valueOf('FT', 'A \\T\\ B').valueString, 'A & B');
  assert.equal(valueOf('FT', 'Line one\\.br\\Line two').valueString, 'Line one\nLine two', 'FT formatting: .br is a line break');
  const coded = { coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }] };
  assert.deepEqual(valueOf('CE', '260385009^Negative^SCT').valueCodeableConcept, coded);
  assert.deepEqual(valueOf('CWE', '260385009^Negative^SCT^NEG^neg^L^^^Not detected').valueCodeableConcept, {
    coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }, { system: 'L', code: 'NEG', display: 'neg' }], text: 'Not detected',
  });
  assert.deepEqual(valueOf('CNE', '260385009^Negative^SCT').valueCodeableConcept, coded);
  assert.deepEqual(valueOf('IS', 'POS').valueCodeableConcept, { coding: [{ code: 'POS' }] });
  assert.equal(valueOf('DT', '20261101').valueDateTime, '2026-11-01');
  assert.equal(valueOf('DTM', '202611011230+0100').valueDateTime, '2026-11-01T12:30:00+01:00');
  assert.equal(valueOf('TS', '20261101123045.12-0500').valueDateTime, '2026-11-01T12:30:45.12-05:00');
  assert.equal(valueOf('TM', '0930').valueTime, '09:30:00');
  assert.deepEqual(valueOf('DR', '20261101^20261105').valuePeriod, { start: '2026-11-01', end: '2026-11-05' });
  assert.deepEqual(valueOf('NR', '3.5^5.1', 'mmol/L^^UCUM').valueRange, { low: { value: 3.5, unit: 'mmol/L', code: 'mmol/L', system: 'http://unitsofmeasure.org' }, high: { value: 5.1, unit: 'mmol/L', code: 'mmol/L', system: 'http://unitsofmeasure.org' } });
});

test('OBX SN → Quantity with comparator, Range, Ratio, else string (SN[Quantity|Range|Ratio])', () => {
  const mgdl = { unit: 'mg/dL', code: 'mg/dL', system: 'http://unitsofmeasure.org' };
  assert.deepEqual(valueOf('SN', '^182', 'mg/dL^^UCUM').valueQuantity, { value: 182, ...mgdl });
  assert.deepEqual(valueOf('SN', '<^5', 'mg/dL^^UCUM').valueQuantity, { value: 5, comparator: '<', ...mgdl });
  assert.deepEqual(valueOf('SN', '>=^10', 'mg/dL^^UCUM').valueQuantity, { value: 10, comparator: '>=', ...mgdl });
  assert.deepEqual(valueOf('SN', '^10^-^20', 'mg/dL^^UCUM').valueRange, { low: { value: 10, ...mgdl }, high: { value: 20, ...mgdl } });
  assert.deepEqual(valueOf('SN', '^1^:^128').valueRatio, { numerator: { value: 1 }, denominator: { value: 128 } });
  assert.equal(valueOf('SN', '^2^+').valueString, '2 +');
  assert.equal(valueOf('SN', '<>^5', 'mg/dL^^UCUM').valueString, '<> 5 mg/dL');
});

test('OBX ED and RP → the R5 valueAttachment extension', () => {
  const url = 'https://hl7.org/fhir/R5/StructureDefinition/extension-Observation.valueAttachment';
  const pdf = valueOf('ED', 'LAB^AP^PDF^Base64^JVBERi0xLjQK');
  assert.equal(pdf.valueString, undefined);
  assert.deepEqual(pdf.extension, [{ url, valueAttachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQK' } }]);
  assert.deepEqual(valueOf('ED', '^TEXT^^Hex^48656C6C6F').extension, [{ url, valueAttachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }]);
  assert.deepEqual(valueOf('ED', '^TEXT^plain^A^Hello').extension, [{ url, valueAttachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }]);
  assert.deepEqual(valueOf('RP', 'https://pacs.example.org/study/1^PACS^IM^JPEG').extension, [{ url, valueAttachment: { contentType: 'image/jpeg', url: 'https://pacs.example.org/study/1' } }]);
});

test('OBX value types the map does not carry get dataAbsentReason unsupported and stay in the report', () => {
  const event = mapText(hl7(MSH, PID, OBR(), 'OBX|1|HD|SR Instance UID||1.123456.2.2000||||||F'));
  const obs = one<Observation>(event.bundle, 'Observation');
  assert.deepEqual(obs.dataAbsentReason, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unsupported' }] });
  assert.deepEqual(obs.code, { coding: [{ code: 'SR Instance UID' }] });
  assert.ok(unmappedPaths(event).includes('OBX-5'));
});

test('OBX-4 sub-id → the ObsV2SubId complex extension', () => {
  const { bundle } = mapText(hl7(MSH, PID, OBR(), 'OBX|1|NM|2345-7^Glucose^LN|1.2^1^2^a|95||||||F'));
  assert.deepEqual(one<Observation>(bundle, 'Observation').extension, [{
    url: 'http://hl7.org/fhir/StructureDefinition/observation-v2-subid',
    extension: [{ url: 'original-sub-identifier', valueString: '1.2' }, { url: 'group', valueDecimal: 1 }, { url: 'sequence', valueDecimal: 2 }, { url: 'identifier', valueString: 'a' }],
  }]);
});

test('OBX-5 repetitions of a non-text type become components coded like the Observation', () => {
  const obs = valueOf('NM', '60~120', '/min^^UCUM');
  assert.equal(obs.valueQuantity, undefined);
  assert.deepEqual(obs.component, [
    { code: obs.code, valueQuantity: { value: 60, unit: '/min', code: '/min', system: 'http://unitsofmeasure.org' } },
    { code: obs.code, valueQuantity: { value: 120, unit: '/min', code: '/min', system: 'http://unitsofmeasure.org' } },
  ]);
});

test('OBX-11 → status: IG map for F P C A D W X, Conduit R4 policy for B I N O R S U V, empty unknown', () => {
  const expected: Record<string, Observation['status']> = {
    F: 'final', P: 'preliminary', C: 'corrected', A: 'amended', D: 'entered-in-error', W: 'entered-in-error', X: 'cancelled',
    B: 'amended', I: 'registered', N: 'cancelled', O: 'registered', R: 'preliminary', S: 'preliminary', U: 'final', V: 'final', '': 'unknown',
  };
  for (const [code, status] of Object.entries(expected)) {
    const { bundle } = mapText(hl7(MSH, PID, OBR(), `OBX|1|NM|2345-7^Glucose^LN||95|mg/dL^^UCUM|||||${code}`));
    assert.equal(one<Observation>(bundle, 'Observation').status, status, `OBX-11 ${code || '(empty)'}`);
  }
  const cannot = mapText(hl7(MSH, PID, OBR(), 'OBX|1|NM|2345-7^Glucose^LN||95|mg/dL^^UCUM|||||X'));
  const obs = one<Observation>(cannot.bundle, 'Observation');
  assert.equal(obs.valueQuantity, undefined, 'obs-6: no value next to a dataAbsentReason');
  assert.deepEqual(obs.dataAbsentReason, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'cannot-be-obtained' }] });
  assert.ok(unmappedPaths(cannot).includes('OBX-5'));
  const notAsked = one<Observation>(mapText(hl7(MSH, PID, OBR(), 'OBX|1|ST|2345-7^Glucose^LN||||||||N')).bundle, 'Observation');
  assert.equal(notAsked.dataAbsentReason?.coding?.[0]?.code, 'not-asked');
  assert.throws(() => mapText(hl7(MSH, PID, OBR(), seg('OBX', { 1: '1', 2: 'NM', 3: '2345-7^Glucose^LN', 5: '95', 11: 'Q' }))), (e: unknown) => isConduitError(e) && e.code === 'CDT_HL7_INVALID_RESULT_STATUS' && !e.message.includes('95'));
});

test('OBR-25 → DiagnosticReport.status per table 0123; unmapped codes and a missing status are refused', () => {
  const expected: Record<string, DiagnosticReport['status']> = { O: 'registered', I: 'registered', S: 'registered', P: 'preliminary', R: 'partial', C: 'corrected', F: 'final', X: 'cancelled' };
  for (const [code, status] of Object.entries(expected)) {
    assert.equal(one<DiagnosticReport>(mapText(hl7(MSH, PID, OBR(code))).bundle, 'DiagnosticReport').status, status, `OBR-25 ${code}`);
  }
  for (const code of ['A', 'M', 'N', 'Y', 'Z', 'Q']) {
    assert.throws(() => mapText(hl7(MSH, PID, OBR(code))), (e: unknown) => isConduitError(e) && e.code === 'CDT_MAP_UNMAPPED_RESULT_STATUS' && e.retriable === false, code);
  }
  assert.throws(() => mapText(hl7(MSH, PID, OBR(''))), (e: unknown) => isConduitError(e) && e.code === 'CDT_HL7_REQUIRED_FIELD_MISSING' && /OBR-25/.test(e.message));
  assert.throws(() => mapText(hl7(MSH, PID, OBR('F'), 'OBX|1|ZZ|1^x^L||1||||||F')), (e: unknown) => isConduitError(e) && e.code === 'CDT_HL7_UNKNOWN_VALUE_TYPE');
});

test('multiple ORDER_OBSERVATION groups, NTE notes, specimens, performers and patient-level OBX', () => {
  const event = mapText(hl7(
    MSH, PID,
    'OBX|1|ST|11111-1^Patient note^LN||PATIENT LEVEL||||||F',
    ORC, OBR('F'),
    'NTE|1|L|Fasting specimen',
    seg('OBX', { 1: '1', 2: 'NM', 3: '2345-7^Glucose^LN', 5: '95', 6: 'mg/dL^^UCUM', 7: '70-99', 8: 'N~A', 11: 'F', 14: '20261122071000-0500', 15: 'LABX^Lab X^CLIA', 16: '321^TECH^TINA', 17: 'ENZ^Enzymatic^L', 20: 'ARM^Arm^L', 21: 'OBS-1^LAB', 23: 'GOODHEALTH LAB^^^^^^^^^CLIA99', 24: '1 LAB WAY^^SPRINGFIELD^IL', 25: '654^DIRECTOR^DAN' }),
    'NTE|1||Repeated once~Result confirmed|||20261122074000-0500',
    seg('SPM', { 1: '1', 2: 'SP1&EHR&&ISO^SF1&LAB', 4: '119297000^Blood specimen^SCT', 17: '20261122070000-0500', 18: '20261122071000-0500' }),
    'ORC|RE|ORD2^EHR|LAB6^LAB||CM',
    'OBR|2|ORD2^EHR|LAB6^LAB|718-7^Hemoglobin^LN|||20261122071500-0500||||||||||||||||||P',
    'SPM|1|SP2&EHR||119297000^Blood specimen^SCT',
    'OBX|1|NM|718-7^Hemoglobin^LN||13.9|g/dL^^UCUM|||||P',
  ));
  const reports = all<DiagnosticReport>(event.bundle, 'DiagnosticReport');
  assert.deepEqual(reports.map((r) => [r.code.coding?.[0]?.code, r.status, r.result?.length]), [['24323-8', 'final', 1], ['718-7', 'preliminary', 1]]);
  const patientLevel = all<Observation>(event.bundle, 'Observation').find((o) => o.valueString === 'PATIENT LEVEL');
  assert.ok(patientLevel);
  assert.equal(patientLevel.basedOn, undefined);
  assert.ok(!reports.some((r) => r.result?.some((ref) => ref.reference === `urn:uuid:${patientLevel.id}`)));

  const request = all<ServiceRequest>(event.bundle, 'ServiceRequest')[0]!;
  assert.deepEqual(request.note, [{ text: 'Fasting specimen' }]);
  const glucose = resolve<Observation>(event.bundle, reports[0]!.result![0]);
  assert.deepEqual(glucose.note, [{ text: 'Repeated once\nResult confirmed', time: '2026-11-22T07:40:00-05:00' }]);
  assert.deepEqual(glucose.interpretation?.map((i) => i.coding?.[0]?.code), ['N', 'A']);
  assert.deepEqual(glucose.method, { coding: [{ system: 'L', code: 'ENZ', display: 'Enzymatic' }] });
  assert.deepEqual(glucose.bodySite, { coding: [{ system: 'L', code: 'ARM', display: 'Arm' }] });
  assert.deepEqual(glucose.identifier, [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }] }, system: 'urn:conduit:id:LAB', value: 'OBS-1' }]);
  assert.equal(glucose.effectiveDateTime, '2026-11-22T07:10:00-05:00');
  const performers = (glucose.performer ?? []).map((p) => {
    const r = resolve<Practitioner | Organization>(event.bundle, p);
    return r.resourceType === 'Organization' ? `Organization:${r.name}` : `Practitioner:${r.name?.[0]?.family}`;
  });
  assert.deepEqual(performers, ['Practitioner:TECH', 'Practitioner:DIRECTOR', 'Organization:Lab X', 'Organization:GOODHEALTH LAB']);
  const lab = resolve<Organization>(event.bundle, glucose.performer?.[3]);
  assert.deepEqual(lab.address, [{ line: ['1 LAB WAY'], city: 'SPRINGFIELD', state: 'IL' }]);

  const specimens = all<Specimen>(event.bundle, 'Specimen');
  assert.equal(specimens.length, 2);
  assert.deepEqual(specimens[0]?.identifier?.map((i) => [i.type?.coding?.[0]?.code, i.value]), [['PLAC', 'SP1'], ['FILL', 'SF1']]);
  assert.deepEqual(specimens[0]?.collection, { collectedDateTime: '2026-11-22T07:00:00-05:00' });
  assert.equal(specimens[0]?.receivedTime, '2026-11-22T07:10:00-05:00');
  assert.deepEqual(reports[0]?.specimen, [{ reference: `urn:uuid:${specimens[0]!.id}` }]);
  assert.equal(glucose.specimen?.reference, `urn:uuid:${specimens[0]!.id}`, 'the group\'s one specimen');
  const hemoglobin = resolve<Observation>(event.bundle, reports[1]!.result![0]);
  assert.equal(hemoglobin.specimen?.reference, `urn:uuid:${specimens[1]!.id}`, 'OBX after SPM observes that specimen');
  assert.equal(hemoglobin.effectiveDateTime, '2026-11-22T07:15:00-05:00', 'OBR-7 when OBX-14 is empty');
});

test('an OBX-7 range that does not read low-high stays text; the report lists unused fields of a real ORU', () => {
  const event = mapText(hl7(MSH, PID, OBR(), seg('OBX', { 1: '1', 2: 'NM', 3: '2345-7^Glucose^LN', 5: '95', 6: 'mg/dL^^UCUM', 7: '<200', 8: 'H', 11: 'F', 32: 'Z1' })));
  const obs = one<Observation>(event.bundle, 'Observation');
  assert.deepEqual(obs.referenceRange, [{ text: '<200' }]);
  assert.deepEqual(unmappedPaths(event), ['OBX-32']);
});
