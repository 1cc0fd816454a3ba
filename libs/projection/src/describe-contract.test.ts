import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadContracts } from './contract.ts';
import { describeContract, fingerprintContract } from './describe-contract.ts';
import { formatPublishedContract } from './format-contract.ts';
import { researchContract, treatmentContract } from './test-fixtures.ts';

const demo = loadContracts(resolve(import.meta.dirname, '../../../deploy/demo/contracts'));
const contractOf = (id: string) => demo.find((l) => l.contract.id === id)!.contract;

test('the published Safe Harbor contract lists the effective elements, their treatment and what was removed', () => {
  const pc = describeContract(researchContract());
  const patient = pc.resources.find((r) => r.resourceType === 'Patient')!;
  const treatment = Object.fromEntries(patient.elements.map((e) => [e.path, e.treatment]));
  assert.equal(treatment['Patient.id'], 'pseudonymous id');
  assert.equal(treatment['Patient.birthDate'], 'birth-year, or removed at 90+');
  assert.equal(treatment['Patient.address.postalCode'], 'zip3');
  assert.equal(treatment['Patient.address.state'], 'as-is');
  assert.equal(treatment['Patient.meta.lastUpdated'], undefined);
  const removed = Object.fromEntries(patient.removed.map((r) => [r.path, r.basis]));
  assert.equal(removed['Patient.name'], '45 CFR 164.514(b)(2)(i)(A) names');
  assert.equal(removed['Patient.telecom'], '45 CFR 164.514(b)(2)(i)(D)-(F),(N) telephone, fax, e-mail, web URLs');
  assert.equal(removed['Patient.address.city'], '45 CFR 164.514(b)(2)(i)(B) geographic subdivisions smaller than a state');
  assert.equal(removed['Patient.identifier'], '45 CFR 164.514(b)(2)(i)(G)-(M),(R) SSN, medical record, health plan, account, license, vehicle, device and other identifying numbers');
  assert.equal(removed['Patient.photo'], '45 CFR 164.514(b)(2)(i)(P),(Q) biometric identifiers, full-face photographs and comparable images');
  assert.deepEqual(patient.generated.map((g) => g.value), ['90+']);
  assert.deepEqual(pc.deidentification.mode, 'safe-harbor');
  assert.deepEqual(pc.identifiers.handling, 'remove');
  assert.deepEqual(pc.sensitiveCategories.delivered, []);
  const obs = pc.resources.find((r) => r.resourceType === 'Observation')!;
  assert.deepEqual(obs.removed.filter((r) => ['Observation.issued', 'Observation.note', 'Observation.code.coding.display'].includes(r.path)).map((r) => r.reason), [
    'instant cannot be reduced to a year',
    'Annotation identifies a person or carries free text',
    'free text',
  ]);
});

test('the published treatment contract shows tokens, pseudonymous references and the sensitive categories', () => {
  const pc = describeContract(contractOf('care-management'));
  assert.equal(pc.subscriber, 'care-management');
  assert.deepEqual(pc.purposeOfUse, { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' });
  assert.deepEqual(pc.identifiers, { handling: 'tokenize', tokenDomain: 'care-management', tokenSystem: 'urn:conduit:token:care-management', formatPreserving: false, identifierTypes: 'all' });
  assert.deepEqual(pc.sensitiveCategories.delivered.map((c) => c.id), ['behavioral-health']);
  assert.ok(pc.sensitiveCategories.withheld.some((c) => c.id === 'substance-use'));
  const obs = pc.resources.find((r) => r.resourceType === 'Observation')!;
  assert.deepEqual(obs.elements.find((e) => e.path === 'Observation.subject'), {
    path: 'Observation.subject', type: 'Reference', treatment: 'pseudonymous reference', targets: ['Location', 'Patient'], note: 'a reference identifier is tokenized',
  });
  assert.deepEqual(pc.resources.find((r) => r.resourceType === 'Patient')!.elements.map((e) => e.path), [
    'Patient.id', 'Patient.identifier', 'Patient.name.use', 'Patient.name.text', 'Patient.name.family', 'Patient.name.given', 'Patient.name.prefix',
    'Patient.name.suffix', 'Patient.name.period.start', 'Patient.name.period.end', 'Patient.gender', 'Patient.birthDate',
  ]);
  assert.deepEqual(pc.channels, { kafka: { topic: 'conduit.sub.care-management.v1', retentionMs: 604_800_000 } });
});

test('recursive element types are described once, not forever', () => {
  const pc = describeContract({ ...treatmentContract(), projection: { allow: { Questionnaire: ['item'] } } });
  const recursive = pc.resources[0]!.elements.filter((e) => e.note === 'repeats the elements of QuestionnaireItem above');
  assert.deepEqual(recursive.map((e) => e.path), ['Questionnaire.item.item']);
});

test('the fingerprint covers the contract, not its formatting', () => {
  const c = treatmentContract();
  const reordered = Object.fromEntries(Object.entries(c).reverse()) as unknown as typeof c;
  assert.equal(fingerprintContract(reordered), fingerprintContract(c));
  assert.notEqual(fingerprintContract({ ...c, version: '4' }), fingerprintContract(c));
  assert.match(fingerprintContract(c), /^sha256:[0-9a-f]{64}$/);
});

test('the human-readable form names the subscriber, purpose, mode and every delivered element', () => {
  const text = formatPublishedContract(describeContract(contractOf('population-research')));
  assert.match(text, /^Subscriber +population-research \(version 2\)$/m);
  assert.match(text, /^Purpose of use +HRESCH /m);
  assert.match(text, /^De-identification +HIPAA Safe Harbor \(45 CFR 164\.514\(b\)\(2\)\)/m);
  assert.match(text, /^ {2}Patient\.address\.postalCode +string +zip3 +45 CFR 164\.514\(b\)\(2\)\(i\)\(B\)/m);
  assert.match(text, /^ {2}Patient\.birthDate +date +birth-year, or removed at 90\+/m);
});
