import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { isConduitError } from '@conduit/errors';
import { createFhirValidator, createResourceValidator, type FhirValidator } from './fhir-validator.ts';
import { readR4Definitions } from './structure-definitions.ts';
import { hl7, mapText, MSH_ADT } from './test-fixtures.ts';

const validator = createFhirValidator();

function bundleOf(...resources: Record<string, unknown>[]): Bundle {
  return { resourceType: 'Bundle', type: 'message', entry: resources.map((r, i) => ({ fullUrl: `urn:uuid:0000000${i}-0000-8000-8000-000000000000`, resource: r })) } as unknown as Bundle;
}

const HEADER = { resourceType: 'MessageHeader', id: 'h', eventCoding: { code: 'A01' }, source: { endpoint: 'urn:x' } };

test('the validator reports structural errors, invariants and bundle rules with FHIR paths, never values', () => {
  const issues = validator.validateBundle(bundleOf(HEADER,
    { resourceType: 'Patient', id: 'p', birthDate: '1980-13-45', gender: 'female' },
    { resourceType: 'Observation', id: 'o', code: { text: 'x' } },
    { resourceType: 'Patient', id: 'q', contact: [{ gender: 'male' }] },
  ));
  const errors = issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors.map((e) => [e.path, e.code, e.constraint]), [
    ['Bundle.entry[1].resource.birthDate', 'value', undefined],
    ['Bundle.entry[2].resource.status', 'required', undefined],
    ['Bundle.entry[3].resource.contact[0]', 'invariant', 'pat-1'],
  ]);
  assert.ok(!JSON.stringify(issues).includes('1980-13-45'));
  const noHeader = validator.validateBundle(bundleOf({ resourceType: 'Patient', id: 'p' }));
  assert.deepEqual(noHeader.filter((i) => i.severity === 'error').map((e) => e.constraint), ['bdl-12']);
  const duplicate = bundleOf(HEADER, { resourceType: 'Patient', id: 'p' });
  duplicate.entry!.push({ ...duplicate.entry![1]! });
  assert.deepEqual(validator.validateBundle(duplicate).filter((i) => i.severity === 'error').map((e) => e.constraint), ['bdl-7']);
});

test('mapToCanonical refuses a bundle its validator rejects with CDT_MAP_FHIR_INVALID naming the paths only', () => {
  const rejecting: FhirValidator = {
    resourceTypes: [],
    validateBundle: () => [{ severity: 'error', code: 'invariant', path: 'Bundle.entry[1].resource', constraint: 'pat-1' }, { severity: 'warning', code: 'structure', path: 'Bundle.entry[2]' }],
  };
  const message = hl7(MSH_ADT('A01'), 'PID|1||M1^^^GOODHEALTH^MR||SECRETNAME^J', 'PV1|1|I');
  assert.throws(() => mapText(message, { validator: rejecting }), (err: unknown) =>
    isConduitError(err) && err.code === 'CDT_MAP_FHIR_INVALID' && err.retriable === false &&
    /Bundle\.entry\[1\]\.resource \(pat-1\)/.test(err.message) && !err.message.includes('SECRETNAME'));
  const warningsOnly: FhirValidator = { resourceTypes: [], validateBundle: () => [{ severity: 'warning', code: 'structure', path: 'Bundle.entry[2]' }] };
  assert.equal(mapText(message, { validator: warningsOnly }).eventType, 'patient-admitted');
});

test('the validator holds the R4 definitions of every resource type the map emits', () => {
  assert.deepEqual([...validator.resourceTypes].sort(), [
    'AllergyIntolerance', 'Bundle', 'Condition', 'Coverage', 'DiagnosticReport', 'Encounter', 'Location', 'MessageHeader', 'Observation',
    'Organization', 'Patient', 'Practitioner', 'Provenance', 'RelatedPerson', 'ServiceRequest', 'Specimen',
  ]);
});

const resources = createResourceValidator();
const definitions = readR4Definitions();
indexStructureDefinitionBundle([...definitions.datatypes, ...definitions.resources]);

function medplumErrorPaths(resource: Record<string, unknown>): string[] {
  try {
    return validateResource(resource as unknown as Resource).filter((i) => i.severity === 'error').map((i) => i.expression?.[0] ?? '');
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).filter((i) => i.severity === 'error').map((i) => i.expression?.[0] ?? '');
    throw err;
  }
}

const errorsOf = (resource: Record<string, unknown>) =>
  resources.validate(resource as unknown as Resource).filter((i) => i.severity === 'error').map((i) => [i.code, i.path, ...(i.constraint ? [i.constraint] : [])]);

const PATIENT = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }], gender: 'female', birthDate: '1980-04-01' };
const OBSERVATION = { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] }, valueQuantity: { value: 5.5, unit: 'mg/dL' } };
const change = (base: Record<string, unknown>, edit: (r: Record<string, unknown>) => void) => {
  const r = structuredClone(base);
  edit(r);
  return r;
};

test('each kind of mapping bug is an error at its element, where medplum finds one too', () => {
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    ['required element dropped', change(OBSERVATION, (r) => delete r['status']), ['required', 'Observation.status']],
    ['impossible date', change(PATIENT, (r) => (r['birthDate'] = '2026-02-30')), ['value', 'Patient.birthDate']],
    ['decimal as text', change(OBSERVATION, (r) => ((r['valueQuantity'] as Record<string, unknown>)['value'] = '5.5')), ['value', 'Observation.valueQuantity.value']],
    ['code with a trailing space', change(OBSERVATION, (r) => (r['status'] = 'final ')), ['value', 'Observation.status']],
    ['wrong type', change(PATIENT, (r) => (r['gender'] = 1)), ['value', 'Patient.gender']],
    ['unknown property', change(PATIENT, (r) => (r['nickname'] = 'J')), ['structure', 'Patient.nickname']],
    ['two values where one is allowed', change(PATIENT, (r) => (r['gender'] = ['female', 'male'])), ['structure', 'Patient.gender']],
    ['extension with a value and nested extensions', change(PATIENT, (r) => (r['extension'] = [{ url: 'http://x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] }])), ['invariant', 'Patient.extension[0]', 'ext-1']],
    ['contact with nothing to reach them by', change(PATIENT, (r) => (r['contact'] = [{ gender: 'male' }])), ['invariant', 'Patient.contact[0]', 'pat-1']],
    ['value and dataAbsentReason', change(OBSERVATION, (r) => (r['dataAbsentReason'] = { text: 'lost' })), ['invariant', 'Observation', 'obs-6']],
  ];
  for (const [name, resource, expected] of cases) {
    assert.deepEqual(errorsOf(resource), [expected], name);
    // medplum names a choice by its element (value[x]) and some places without indexes.
    const path = String(expected[1]).replace('valueQuantity', 'value[x]');
    assert.ok(medplumErrorPaths(resource).some((p) => p === path || p === path.replace(/\[\d+\]/g, '')), `${name}: medplum agrees`);
  }
  assert.deepEqual(errorsOf(PATIENT), []);
  assert.deepEqual(errorsOf(OBSERVATION), []);
});

test('where medplum is weaker than R4, this validator refuses, and medplum does not', () => {
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    // R4 json.html: "empty values are not allowed"; medplum takes them for absent elements.
    ['empty string', change(PATIENT, (r) => (r['birthDate'] = '')), ['value', 'Patient.birthDate']],
    ['empty object', change(PATIENT, (r) => (r['maritalStatus'] = {})), ['value', 'Patient.maritalStatus']],
    ['empty array', change(PATIENT, (r) => (r['telecom'] = [])), ['value', 'Patient.telecom']],
    // medplum's prefix rule accepts any valueX beside a valid value[x]; two types of one choice are only a warning to it.
    ['unknown choice type', change(OBSERVATION, (r) => (r['valueFoo'] = 'x')), ['structure', 'Observation.valueFoo']],
    ['two types of one choice', change(OBSERVATION, (r) => (r['valueString'] = 'x')), ['structure', 'Observation.valueString']],
    // `_name` holds a primitive's id and extensions (R4 json.html#primitive); medplum merges it into any element.
    ['_name beside a complex element', change(OBSERVATION, (r) => (r['_code'] = { id: 'c' })), ['structure', 'Observation._code']],
    ['resourceType inside a datatype', change(OBSERVATION, (r) => ((r['code'] as Record<string, unknown>)['resourceType'] = 'Coding')), ['structure', 'Observation.code.resourceType']],
    // R4 resource.html#id: Resource.id is an id; the R4 definitions (and medplum) type it as a string.
    ['Resource.id not of the id format', change(PATIENT, (r) => (r['id'] = 'not an id!')), ['value', 'Patient.id']],
    // R4 datatypes.html#dateTime: "If hours and minutes are specified, a time zone SHALL be populated".
    ['dateTime without a zone', change(OBSERVATION, (r) => (r['effectiveDateTime'] = '2026-11-22T10:00:00')), ['value', 'Observation.effectiveDateTime']],
    // medplum checks a JSON primitive given for a datatype only for that type's required elements.
    ['number for a Reference', change(OBSERVATION, (r) => (r['subject'] = 0)), ['structure', 'Observation.subject']],
  ];
  for (const [name, resource, expected] of cases) {
    assert.deepEqual(errorsOf(resource), [expected], name);
    assert.deepEqual(medplumErrorPaths(resource), [], `${name}: medplum accepts it`);
  }
  // A resource must be of a type the validator holds (medplum, without that type's definition, cannot say where).
  const contained = change(PATIENT, (r) => (r['contained'] = [{ resourceType: 'Basic', id: 'b', code: { text: 'x' } }]));
  assert.deepEqual(errorsOf(contained), [['structure', 'Patient.contained[0]']]);
  assert.deepEqual(medplumErrorPaths(contained), ['']);
});

test('primitive extensions are valid beside single and repeated primitives, and checked as Elements', () => {
  const birthTime = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1980-04-01T08:30:00-05:00' }] };
  const valid = change(PATIENT, (r) => {
    r['_birthDate'] = birthTime;
    r['name'] = [{ family: 'Doe', given: ['Jane', null], _given: [null, { extension: [{ url: 'http://x', valueString: 'only an extension' }] }] }];
  });
  assert.deepEqual(errorsOf(valid), []);
  assert.deepEqual(medplumErrorPaths(valid), []);
  const invalid = change(PATIENT, (r) => (r['_birthDate'] = { extension: [{ valueString: 'no url' }] }));
  assert.deepEqual(errorsOf(invalid), [['required', 'Patient.birthDate.extension[0].url']]);
  assert.deepEqual(medplumErrorPaths(invalid), ['Patient.birthDate.extension[0].url']);
});

test('a RESTful reference to a type its element does not allow is a warning; urn:uuid references within the bundle are not', () => {
  const subject = (reference: string) => resources.validate(change(OBSERVATION, (r) => (r['subject'] = { reference })) as unknown as Resource);
  assert.deepEqual(subject('urn:uuid:6f0d3c2e-4f7a-4c1a-9d3e-2b1f0a9c8d7e'), []);
  assert.deepEqual(subject('Patient/p1'), []);
  assert.deepEqual(subject('Medication/m1'), [{ severity: 'warning', code: 'structure', path: 'Observation.subject' }]);
});

test('an attachment decoding to more than the limit is refused at its data: 1 MiB by default, as medplum; more when configured', () => {
  const withPdf = (bytes: number) => ({
    resourceType: 'DiagnosticReport', id: 'r1', status: 'final', code: { text: 'Pathology report' },
    presentedForm: [{ contentType: 'application/pdf', data: Buffer.alloc(bytes, 0x25).toString('base64') }],
  });
  const tooLarge = [['value', 'DiagnosticReport.presentedForm[0].data']];
  const MiB = 1024 * 1024;
  assert.deepEqual(errorsOf(withPdf(MiB)), []);
  assert.deepEqual(errorsOf(withPdf(MiB + 1)), tooLarge);
  assert.ok(medplumErrorPaths(withPdf(1.5 * MiB)).length > 0, 'medplum refuses it by default too');
  const larger = createResourceValidator({ base64BinaryMaxBytes: 3 * MiB });
  const errorsWithLarger = (r: Record<string, unknown>) => larger.validate(r as unknown as Resource).filter((i) => i.severity === 'error').map((i) => [i.code, i.path]);
  assert.deepEqual(errorsWithLarger(withPdf(3 * MiB)), []);
  assert.deepEqual(errorsWithLarger(withPdf(3 * MiB + 1)), tooLarge);
});
