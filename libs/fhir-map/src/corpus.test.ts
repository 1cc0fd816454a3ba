import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { AllergyIntolerance, Condition, Coverage, DiagnosticReport, Encounter, Observation, Patient, RelatedPerson, Specimen } from '@medplum/fhirtypes';
import type { CanonicalEvent } from '@conduit/events';
import { isConduitError } from '@conduit/errors';
import { parseHl7Batch, type Hl7Message } from '@conduit/hl7v2';
import { createFhirValidator } from './fhir-validator.ts';
import { mapToCanonical } from './map-message.ts';
import { all, asPublished, CORPUS_DIR, one, readCorpus, resolve, TEST_CONTEXT, unmappedPaths } from './test-fixtures.ts';

const validator = createFhirValidator();
const ctx = { ...TEST_CONTEXT, validator };

function messages(file: string): Hl7Message[] {
  return [...parseHl7Batch(readCorpus(file)).messages];
}

function mapCorpus(file: string, index = 0): CanonicalEvent {
  return asPublished(mapToCanonical(messages(file)[index]!, ctx));
}

/**
 * Corpus messages Conduit refuses, and why. Out-of-scope types and the space-joined file are
 * refused by design; the rest lack a field HL7 v2 requires, which the ingest edge refuses too
 * (@conduit/hl7v2 event profiles: OBR-25 for ORU, OBX-3), so normalize agrees with it.
 */
const REFUSED: Readonly<Record<string, string>> = {
  'mvita__adt-example.MALFORMED-space-separated.hl7#0': 'CDT_HL7_BAD_SEGMENT_TERMINATOR',
  'medplum__hl7.test.ts.NonStandardEncoding.ACK.hl7#0': 'CDT_MAP_UNSUPPORTED_EVENT',
  'medplum__hl7.test.ts.OUL_R22.cobas.hl7#0': 'CDT_MAP_UNSUPPORTED_EVENT',
  'nodehl7client__batch.hl7#1': 'CDT_MAP_UNSUPPORTED_EVENT',
  'fhirconv__LAB-ORU-1.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
  'fhirconv__LAB-ORU-2.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
  'pyhl7__samples.py.sample_hl7.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
  'fhirconv__ORU-R01-01.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
  'lfh__ORU-multiline-short.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
  'lfh__ORU-multiline-short-mixed.hl7#0': 'CDT_HL7_REQUIRED_FIELD_MISSING',
};

test('every corpus ADT/ORU message in scope maps to a bundle the FHIR R4 validator accepts; the rest are refused with their catalogued code', () => {
  const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7')).sort();
  assert.equal(files.length, 36);
  let valid = 0;
  const refused: Record<string, string> = {};
  for (const file of files) {
    let parsed: Hl7Message[];
    try {
      parsed = messages(file);
    } catch (err) {
      assert.ok(isConduitError(err), file);
      refused[`${file}#0`] = err.code;
      continue;
    }
    parsed.forEach((message, i) => {
      try {
        const event = mapToCanonical(message, ctx);
        const issues = validator.validateBundle(event.bundle);
        assert.deepEqual(issues.filter((x) => x.severity === 'error' || x.severity === 'fatal'), [], `${file}#${i}`);
        assert.equal(event.bundle.entry?.[0]?.resource?.resourceType, 'MessageHeader');
        valid++;
      } catch (err) {
        if (!isConduitError(err)) throw err;
        refused[`${file}#${i}`] = err.code;
      }
    });
  }
  assert.deepEqual(refused, REFUSED);
  assert.equal(valid, 27, 'all 27 in-scope messages that carry their required fields give valid bundles');
});

test('corpus A01 (FHIR-Converter ADT-A01-01): Patient, Encounter and the clinical segments', () => {
  const { bundle, eventType } = mapCorpus('fhirconv__ADT-A01-01.hl7');
  assert.equal(eventType, 'patient-admitted');
  const patient = one<Patient>(bundle, 'Patient');
  assert.deepEqual(patient.identifier?.map((i) => [i.type?.coding?.[0]?.code, i.value, i.system]), [
    ['MR', '1234567', 'urn:conduit:id:test'], ['MR', 'PATID1234', 'urn:conduit:id:test1'], ['SS', '123456789', 'http://hl7.org/fhir/sid/us-ssn'],
    [undefined, 'PATID567', 'urn:conduit:id:test2'], ['SS', 'PSSN123121234', 'http://hl7.org/fhir/sid/us-ssn'], ['DL', 'DLN-123', 'urn:conduit:id:dln:US'],
  ]);
  assert.deepEqual(patient.name?.map((n) => [n.use, n.family, n.given]), [['usual', 'EVERYMAN', ['ADAM', 'A']], ['nickname', undefined, ['Addsm']], ['official', 'Josh', ['stanley']], [undefined, 'elbert', ['Son']]]);
  assert.equal(patient.gender, 'male');
  assert.equal(patient.deceasedDateTime, '2008-08-25T11:16:30+01:15', 'PID-29 wins over PID-30');
  assert.equal(patient.multipleBirthInteger, 2);
  const encounter = one<Encounter>(bundle, 'Encounter');
  assert.equal(encounter.class.code, 'PRENC');
  assert.equal(encounter.status, 'planned', 'PV1-2 = P, per PatientClass[EncounterStatus]');
  assert.equal(encounter.hospitalization?.admitSource?.coding?.[0]?.code, 'NHS Provider-General (inc.A&E-this Hosp)', '\\T\\ unescaped');
  assert.deepEqual(one<AllergyIntolerance>(bundle, 'AllergyIntolerance').category, ['environment']);
  assert.equal(one<Condition>(bundle, 'Condition').code?.coding?.[0]?.system, 'http://snomed.info/sct');
  assert.equal(one<Coverage>(bundle, 'Coverage').payor.length, 1);
  assert.equal(all<RelatedPerson>(bundle, 'RelatedPerson').length, 2, 'NK1 relative + the insured of IN1');
  const heartRate = one<Observation>(bundle, 'Observation');
  assert.equal(heartRate.status, 'preliminary', 'OBX-11 S under the R4 policy');
  assert.deepEqual(heartRate.component?.map((c) => c.valueQuantity?.value), [60, 120]);
});

test('corpus A02, A03, A08, A11, A31 (FHIR-Converter): MSH-9.2 decides the event even where EVN-1 says A01', () => {
  const expect = [
    ['fhirconv__ADT-A02-01.hl7', 'patient-transferred', 'in-progress'],
    ['fhirconv__ADT-A03-01.hl7', 'patient-discharged', 'finished'],
    ['fhirconv__ADT_A08.hl7', 'patient-updated', 'planned'],
    ['fhirconv__ADT_A11.hl7', 'admit-cancelled', 'cancelled'],
  ] as const;
  for (const [file, type, status] of expect) {
    const event = mapCorpus(file);
    assert.equal(event.eventType, type, file);
    assert.equal(one<Encounter>(event.bundle, 'Encounter').status, status, file);
    assert.ok(unmappedPaths(event).includes('EVN-1'), `${file}: EVN-1 is not used`);
  }
  const a02 = one<Encounter>(mapCorpus('fhirconv__ADT-A02-01.hl7').bundle, 'Encounter');
  assert.deepEqual(a02.location?.map((l) => l.status), ['active', 'completed', 'reserved', 'completed']);
  const a03 = one<Encounter>(mapCorpus('fhirconv__ADT-A03-01.hl7').bundle, 'Encounter');
  assert.equal(a03.period?.end, '2015-02-09T11:34:19+01:10');
  const a31 = mapCorpus('fhirconv__ADT-A31-01.hl7');
  assert.equal(a31.eventType, 'person-updated');
  assert.equal(all(a31.bundle, 'Encounter').length, 0);
});

test('corpus A04 (three senders) and A40 (LinuxForHealth)', () => {
  const registered = one<Encounter>(mapCorpus('fhirconv__ADT04-251.hl7').bundle, 'Encounter');
  assert.deepEqual([registered.class.code, registered.status], ['EMER', 'in-progress']);
  const nodeAdt = mapCorpus('nodehl7client__adt.hl7');
  assert.equal(one<Patient>(nodeAdt.bundle, 'Patient').gender, undefined, 'PID-8 M- is not a table 0001 code');
  assert.ok(unmappedPaths(nodeAdt).includes('PID-8'));
  assert.deepEqual(all<AllergyIntolerance>(nodeAdt.bundle, 'AllergyIntolerance').map((a) => a.code?.text), ['PENICILLIN', 'CAT DANDER']);
  assert.deepEqual(one<Condition>(nodeAdt.bundle, 'Condition').code?.coding?.[0], { system: 'http://hl7.org/fhir/sid/icd-9-cm', code: '1550' }, 'DG1-2 I9 names the coding system');
  const pyhl7 = one<Patient>(mapCorpus('pyhl7__samples.py.sample_file.hl7').bundle, 'Patient');
  assert.equal(pyhl7.gender, undefined, 'PID-8 = 1 is not a table 0001 code');
  const merge = mapCorpus('lfh__HL7ADTMessageTest.test_adt_a39_min_segments.ADT_A40.hl7');
  assert.equal(merge.eventType, 'patients-merged');
  const [survivor, retired] = all<Patient>(merge.bundle, 'Patient');
  assert.equal(survivor?.link?.[0]?.type, 'replaces');
  assert.equal(retired?.active, false);
  assert.equal(resolve<Patient>(merge.bundle, retired?.link?.[0]?.other).id, survivor?.id);
});

test('corpus ORU^R01: NIST, Cerner, ELR and Athena samples', () => {
  const nist = mapCorpus('mvita__ORU_R01_2.5.1_SampleTestCase1.hl7');
  const nistObs = one<Observation>(nist.bundle, 'Observation');
  assert.equal(nistObs.code.coding?.[0]?.system, 'http://loinc.org');
  assert.equal(nistObs.valueQuantity?.system, 'http://unitsofmeasure.org');
  const cerner = mapCorpus('mvita__cerner_en.hl7');
  assert.deepEqual(one<Observation>(cerner.bundle, 'Observation').valueCodeableConcept, { text: 'Bordetella pertussis' }, 'a display without a code is text');
  assert.ok(unmappedPaths(cerner).includes('OBX-5.3'), 'the coding system of a code-less triplet is reported');
  const elr = mapCorpus('mvita__realm-campylobacter-jejuni.hl7');
  const report = one<DiagnosticReport>(elr.bundle, 'DiagnosticReport');
  assert.equal(report.status, 'final');
  assert.equal(one<Encounter>(elr.bundle, 'Encounter').class.code, 'AMB');
  assert.equal(resolve<Observation>(elr.bundle, report.result?.[0]).valueCodeableConcept?.coding?.[0]?.code, '66543000');
  assert.equal(one<Specimen>(elr.bundle, 'Specimen').type?.coding?.[0]?.code, '119339001');
  const athena = mapCorpus('mvita__athena-oru-example.hl7');
  assert.equal(one<DiagnosticReport>(athena.bundle, 'DiagnosticReport').status, 'corrected');
  assert.equal(one<DiagnosticReport>(athena.bundle, 'DiagnosticReport').result, undefined, 'an order status report without OBX');
});
