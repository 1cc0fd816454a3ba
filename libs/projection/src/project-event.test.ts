import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectedEvent } from '@conduit/events';
import { createRecordValidators } from '@conduit/events';
import { createProjector } from './projector.ts';
import { projectEvent } from './project-event.ts';
import { AGE_CATEGORY_EXTENSION_URL } from './safe-harbor.ts';
import { PHI, researchContract, seededEvent, testKeys, treatmentContract } from './test-fixtures.ts';

type Json = Record<string, unknown>;

const ALL_PHI = Object.values(PHI);

function resources(p: ProjectedEvent | null | undefined): Json[] {
  return (p?.bundle.entry ?? []).map((e) => e.resource as unknown as Json);
}
function ofType(p: ProjectedEvent | null | undefined, type: string): Json[] {
  return resources(p).filter((r) => r['resourceType'] === type);
}
function found(p: ProjectedEvent | null): string[] {
  const json = JSON.stringify(p);
  return ALL_PHI.filter((v) => json.includes(v));
}

test('a Safe Harbor subscriber receives none of the seeded names, MRN, SSN, phone, e-mail, address, dates or URLs', () => {
  const [research] = createProjector({ contracts: [researchContract()], keys: testKeys }).project(seededEvent());
  assert.ok(research);
  assert.deepEqual(found(research), []);
  const json = JSON.stringify(research);
  for (const fragment of ['2026-11', '1962-03', '03-20', '555', 'GOODHEALTH', 'USSSA', 'Ward 2000', 'Glucose', 'Alice']) {
    assert.equal(json.includes(fragment), false, `no "${fragment}"`);
  }
  assert.equal(research.occurredAt, '2026');
  assert.equal(research.deidentification, 'safe-harbor');
  const [patient] = ofType(research, 'Patient');
  assert.deepEqual(patient, {
    resourceType: 'Patient',
    id: patient?.['id'],
    gender: 'female',
    birthDate: '1962',
    address: [{ state: 'NC', postalCode: '274', country: 'USA' }],
    generalPractitioner: [{ reference: `Practitioner/${String(ofType(research, 'Practitioner')[0]?.['id'])}` }],
  });
  const [obs] = ofType(research, 'Observation');
  assert.deepEqual(obs?.['effectiveDateTime'], '2026');
  assert.equal(obs?.['issued'], undefined, 'an instant cannot be reduced to a year: removed');
  assert.deepEqual(obs?.['code'], { coding: [{ system: 'http://loinc.org', code: '2345-7' }] });
  assert.deepEqual(ofType(research, 'Encounter')[0]?.['period'], { start: '2026' });
});

test('a treatment subscriber receives exactly the allowed seeded values: name, birth date, admission date, practitioner name', () => {
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(seededEvent());
  assert.ok(care);
  assert.deepEqual(found(care), [PHI.family, PHI.given, PHI.birthDate, PHI.admitDate, PHI.practitionerFamily]);
  const [patient] = ofType(care, 'Patient');
  assert.deepEqual(Object.keys(patient ?? {}), ['resourceType', 'id', 'identifier', 'name', 'gender', 'birthDate']);
  assert.deepEqual(patient?.['name'], [{ family: PHI.family, given: [PHI.given] }]);
  assert.equal(patient?.['birthDate'], PHI.birthDate);
  const ids = patient?.['identifier'] as Json[];
  assert.deepEqual(ids.map((i) => [i['system'], (i['value'] as string).length]), [['urn:conduit:token:care-team', 32], ['urn:conduit:token:care-team', 32]]);
});

test('extensions, contained resources, meta, text, reference displays and unlisted elements never leave', () => {
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(seededEvent());
  const json = JSON.stringify(care?.bundle.entry);
  for (const key of ['"extension"', '"modifierExtension"', '"contained"', '"meta"', '"text"', '"display":"ATTENDWELL"', '"note"', '"telecom"', '"address"', '"photo"', '"assigner"', '"issued"', '"location"']) {
    assert.equal(json.includes(key), false, `no ${key}`);
  }
  const [enc] = ofType(care, 'Encounter');
  assert.deepEqual(enc?.['participant'], [{ individual: { reference: `Practitioner/${String(ofType(care, 'Practitioner')[0]?.['id'])}` } }]);
});

test('a substance-use Observation is withheld from a subscriber without the category and delivered to one with it', () => {
  const projector = createProjector({
    contracts: [treatmentContract(), treatmentContract({ id: 'addiction-medicine', sensitiveCategories: ['substance-use'] })],
    keys: testKeys,
  });
  const [care, addiction] = projector.project(seededEvent());
  const codes = (p: ProjectedEvent | undefined) => ofType(p, 'Observation').map((o) => ((o['code'] as { coding: Json[] }).coding[0] as Json)['code']);
  assert.deepEqual(codes(care), ['2345-7']);
  assert.deepEqual(care?.withheld, ['substance-use']);
  assert.deepEqual((ofType(care, 'DiagnosticReport')[0]?.['result'] as unknown[]).length, 1, 'the reference to the withheld Observation is removed');
  assert.deepEqual(codes(addiction), ['2345-7', '19295-5']);
  assert.equal(addiction?.withheld, undefined);
  assert.equal((ofType(addiction, 'DiagnosticReport')[0]?.['result'] as unknown[]).length, 2);
});

test('a security label withholds a resource whatever its codes', () => {
  const event = seededEvent();
  const obs = event.bundle.entry?.[2]?.resource as unknown as Json;
  obs['meta'] = { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] };
  const [care, psych] = createProjector({ contracts: [treatmentContract(), treatmentContract({ id: 'psych', sensitiveCategories: ['behavioral-health', 'substance-use'] })], keys: testKeys }).project(event);
  assert.equal(ofType(care, 'Observation').length, 0);
  assert.deepEqual(care?.withheld, ['behavioral-health', 'substance-use']);
  assert.equal(ofType(psych, 'Observation').length, 2);
});

test('a sensitive label on the Patient withholds the whole event, not just the Patient', () => {
  const event = seededEvent();
  (event.bundle.entry?.[0]?.resource as unknown as Json)['meta'] = { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] };
  const projected = createProjector({ contracts: [treatmentContract(), researchContract(), treatmentContract({ id: 'vip-desk', sensitiveCategories: ['very-restricted', 'substance-use'] })], keys: testKeys }).project(event);
  assert.deepEqual(projected.map((p) => p.subscriber), ['vip-desk']);
  assert.equal(ofType(projected[0], 'Patient').length, 1);
});

test('two subscribers get different tokens and ids for the same MRN; one subscriber gets the same ones every time', () => {
  const contracts = [treatmentContract({ id: 'alpha' }), treatmentContract({ id: 'beta' })];
  const [a1, b1] = createProjector({ contracts, keys: testKeys }).project(seededEvent());
  const [a2] = createProjector({ contracts, keys: { tokenSecret: Buffer.alloc(32, 7) } }).project(seededEvent());
  const mrnToken = (p: ProjectedEvent | undefined) => ((ofType(p, 'Patient')[0]?.['identifier'] as Json[])[0] as Json)['value'];
  assert.notEqual(mrnToken(a1), mrnToken(b1));
  assert.equal(mrnToken(a1), mrnToken(a2));
  assert.notEqual(a1?.patientToken, b1?.patientToken);
  assert.equal(a1?.patientToken, a2?.patientToken);
  assert.notEqual(ofType(a1, 'Patient')[0]?.['id'], ofType(b1, 'Patient')[0]?.['id']);
  assert.equal(ofType(a1, 'Patient')[0]?.['id'], ofType(a2, 'Patient')[0]?.['id']);
});

test('contracts that name the same token domain can join on tokens', () => {
  const contracts = [treatmentContract({ id: 'alpha', tokenize: { domain: 'hospital-network' } }), treatmentContract({ id: 'beta', tokenize: { domain: 'hospital-network' } })];
  const [a, b] = createProjector({ contracts, keys: testKeys }).project(seededEvent());
  assert.equal(a?.patientToken, b?.patientToken);
  assert.deepEqual(ofType(a, 'Patient')[0]?.['identifier'], ofType(b, 'Patient')[0]?.['identifier']);
});

test('format-preserving tokens look like the identifier they replace', () => {
  const [care] = createProjector({ contracts: [treatmentContract({ tokenize: { formatPreserving: true } })], keys: testKeys }).project(seededEvent());
  const [mrn, ssn] = (ofType(care, 'Patient')[0]?.['identifier'] as Json[]).map((i) => i['value'] as string);
  assert.match(mrn ?? '', /^[A-Z]{3}\d{8}$/);
  assert.match(ssn ?? '', /^\d{3}-\d{2}-\d{4}$/);
  assert.notEqual(mrn, PHI.mrn);
  assert.notEqual(ssn, PHI.ssn);
});

test('identifierTypes keeps only the listed identifier types', () => {
  const [care] = createProjector({ contracts: [treatmentContract({ identifierTypes: ['MR'] })], keys: testKeys }).project(seededEvent());
  const ids = ofType(care, 'Patient')[0]?.['identifier'] as Json[];
  assert.deepEqual(ids.map((i) => ((i['type'] as { coding: Json[] }).coding[0] as Json)['code']), ['MR']);
});

test('Safe Harbor: a patient 90 or older loses the birth year and carries the 90+ category', () => {
  const [research] = createProjector({ contracts: [researchContract()], keys: testKeys }).project(seededEvent({ birthDate: '1935-01-02' }));
  const [patient] = ofType(research, 'Patient');
  assert.equal(patient?.['birthDate'], undefined);
  assert.deepEqual(patient?.['extension'], [{ url: AGE_CATEGORY_EXTENSION_URL, valueString: '90+' }]);
  assert.equal(JSON.stringify(research).includes('1935'), false);
});

test('Safe Harbor: a ZIP in a three-digit area of 20,000 people or fewer becomes 000', () => {
  const [research] = createProjector({ contracts: [researchContract()], keys: testKeys }).project(seededEvent({ zip: '03601' }));
  assert.deepEqual(ofType(research, 'Patient')[0]?.['address'], [{ state: 'NC', postalCode: '000', country: 'USA' }]);
});

test('a resource with a modifier extension is withheld rather than delivered with a changed meaning', () => {
  const event = seededEvent();
  (event.bundle.entry?.[2]?.resource as unknown as Json)['modifierExtension'] = [{ url: 'http://example.org/negated', valueBoolean: true }];
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(event);
  assert.equal(ofType(care, 'Observation').length, 0);
  assert.deepEqual(care?.withheld, ['modifier-extension', 'substance-use']);
});

test('a nested element with a modifier extension is dropped, its siblings kept', () => {
  const event = seededEvent();
  const enc = event.bundle.entry?.[1]?.resource as unknown as Json;
  enc['participant'] = [
    { modifierExtension: [{ url: 'http://example.org/not-present', valueBoolean: true }], individual: { reference: 'Practitioner/pr-1' } },
    { individual: { reference: 'Practitioner/pr-1' } },
  ];
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(event);
  assert.equal((ofType(care, 'Encounter')[0]?.['participant'] as unknown[]).length, 1);
  assert.equal(care?.withheld?.includes('modifier-extension'), false);
});

test('references to resource types the contract does not allow are removed', () => {
  const allow = Object.fromEntries(Object.entries(treatmentContract().projection.allow).filter(([type]) => type !== 'Practitioner'));
  const [care] = createProjector({ contracts: [treatmentContract({ allow })], keys: testKeys }).project(seededEvent());
  assert.equal(ofType(care, 'Practitioner').length, 0);
  assert.equal(ofType(care, 'Encounter')[0]?.['participant'], undefined);
});

test('the event is stamped with subscriber, purpose of use, contract version and source event id', () => {
  const [care] = createProjector({ contracts: [treatmentContract()], keys: testKeys }).project(seededEvent({ replayId: 'replay-1' }));
  assert.equal(care?.subscriber, 'care-team');
  assert.equal(care?.purposeOfUse, 'TREAT');
  assert.equal(care?.contractVersion, '3');
  assert.equal(care?.sourceEventId, '5d1c0c36-8a4e-8d7e-9f60-0b7f4d0d2a11');
  assert.equal(care?.replay, true);
  assert.deepEqual(care?.bundle.meta, {
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
    tag: [{ system: 'https://conduit.dev/fhir/CodeSystem/subscriber-contract', code: 'care-team@3' }],
  });
  assert.equal(createRecordValidators().projected(care), true, 'valid against projected-event.schema.json');
});

test('projectEvent (one contract at a time) gives the same result as the projector, and null when the filter does not match', () => {
  const contract = treatmentContract();
  assert.deepEqual(projectEvent(seededEvent(), contract, testKeys), createProjector({ contracts: [contract], keys: testKeys }).project(seededEvent())[0]);
  assert.equal(projectEvent(seededEvent(), { ...contract, events: { eventTypes: ['result-reported'] } }, testKeys), null);
  assert.equal(projectEvent(seededEvent({ replayId: 'r1' }), { ...contract, events: { replays: false } }, testKeys), null);
});
