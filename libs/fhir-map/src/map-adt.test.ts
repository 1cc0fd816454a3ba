import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AllergyIntolerance, Condition, Coverage, Encounter, Location, MessageHeader, Organization, Patient, Practitioner, Provenance, RelatedPerson } from '@medplum/fhirtypes';
import { deriveResourceId } from './resource-id.ts';
import { all, hl7, mapText, MSH_ADT, one, resolve, seg, unmappedPaths } from './test-fixtures.ts';

const NPI = '1234^WELBY^MARCUS^^^DR^^^NPI&2.16.840.1.113883.4.6&ISO';
const EVN = 'EVN|A01|20261122075500-0500||ADM|OP77^CLERK^CARL^^^^^^GOODHEALTH|20261122075000-0500';
const PID = seg('PID', {
  1: '1',
  3: 'MRN123^^^GOODHEALTH^MR~999887777^^^USSSA^SS',
  5: 'O\\T\\NEIL^JANE^Q^JR^^^L~SMITH^JANE^^^^^M',
  7: '19800215103000-0500',
  8: 'F',
  10: '2106-3^White^CDCREC~2028-9^Asian^CDCREC',
  11: '123 MAIN ST^APT 4^SPRINGFIELD^IL^62701^USA^H~PO BOX 9^^SPRINGFIELD^IL^62705^USA^M',
  13: '^PRN^PH^^1^217^5550100~^NET^Internet^jane@example.org',
  14: '^WPN^PH^^1^217^5550199^22',
  15: 'en^English^ISO6391',
  16: 'M^Married^HL70002',
  22: 'H^Hispanic or Latino^HL70189',
  30: 'N',
});
const PV1 = (cls: string, extra: Readonly<Record<number, string>> = {}) => seg('PV1', {
  1: '1', 2: cls, 3: '4W^401^B^GOODHEALTH^^^MAIN^4', 7: NPI, 8: '5678^REFER^RON', 9: '9012^CONSULT^CON', 10: 'MED',
  14: '7', 17: NPI, 19: 'V100^^^GOODHEALTH^VN', 44: '20261122073000-0500', ...extra,
});

function a01(): string {
  return hl7(
    MSH_ADT('A01'), EVN, PID,
    'PD1|||GOODHEALTH CLINIC^^^^^^^^^GHC1|5555^PRIMARY^PAT^^^DR^^^GOODHEALTH',
    'NK1|1|DOE^JOHN^^^^^L|SPO^Spouse^HL70063|123 MAIN ST^^SPRINGFIELD^IL^62701^USA^H|^PRN^PH^^1^217^5550100||EC^Emergency Contact^HL70131',
    PV1('I'),
    'PV2|||CP^Chest pain^L',
    'AL1|1|DA|70618^Penicillin^RXNORM|SV|HIVES~ITCHING|20200101',
    'AL1|2|FA|^Peanuts|MI',
    seg('DG1', { 1: '1', 3: 'I21.4^NSTEMI^I10', 6: 'A', 15: '1', 16: NPI }),
    seg('IN1', {
      1: '1', 2: 'PPO1^Gold PPO', 3: 'BCBS01^^^^XX', 4: 'Blue Cross', 5: 'PO BOX 1^^CHICAGO^IL^60601', 8: 'GRP77', 9: 'Acme Corp',
      12: '20260101', 13: '20261231', 15: 'PPO^Preferred provider', 16: 'DOE^JOHN', 17: 'SPO', 18: '19790101', 36: 'POL-555', 49: 'SUB-777',
    }),
  );
}

test('A01: Patient from PID, element by element (identifiers, names, escapes, telecom, race, ethnicity)', () => {
  const { bundle } = mapText(a01());
  const patient = one<Patient>(bundle, 'Patient');
  assert.equal(patient.id, deriveResourceId('Patient', 'GOODHEALTH', 'MRN123'));
  assert.deepEqual(patient.identifier, [
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:conduit:id:GOODHEALTH', value: 'MRN123', assigner: { display: 'GOODHEALTH' } },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] }, system: 'http://hl7.org/fhir/sid/us-ssn', value: '999887777', assigner: { display: 'USSSA' } },
  ]);
  assert.deepEqual(patient.name, [
    { use: 'official', family: "O&NEIL", given: ['JANE', 'Q'], suffix: ['JR'] },
    { use: 'maiden', family: 'SMITH', given: ['JANE'] },
  ]);
  assert.equal(patient.gender, 'female');
  assert.equal(patient.birthDate, '1980-02-15');
  assert.deepEqual((patient as Patient & { _birthDate?: unknown })._birthDate, {
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1980-02-15T10:30:00-05:00' }],
  });
  assert.equal(patient.deceasedBoolean, false);
  assert.deepEqual(patient.address, [
    { use: 'home', line: ['123 MAIN ST', 'APT 4'], city: 'SPRINGFIELD', state: 'IL', postalCode: '62701', country: 'USA' },
    { type: 'postal', line: ['PO BOX 9'], city: 'SPRINGFIELD', state: 'IL', postalCode: '62705', country: 'USA' },
  ]);
  const ext = (name: string) => `http://hl7.org/fhir/StructureDefinition/contactpoint-${name}`;
  assert.deepEqual(patient.telecom, [
    { extension: [{ url: ext('country'), valueString: '1' }, { url: ext('area'), valueString: '217' }, { url: ext('local'), valueString: '5550100' }], system: 'phone', value: '+1 217 5550100', use: 'home' },
    { system: 'email', value: 'jane@example.org' },
    { extension: [{ url: ext('country'), valueString: '1' }, { url: ext('area'), valueString: '217' }, { url: ext('local'), valueString: '5550199' }, { url: ext('extension'), valueString: '22' }], system: 'phone', value: '+1 217 5550199 X22', use: 'work' },
  ]);
  assert.deepEqual(patient.maritalStatus, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' }], text: 'Married' });
  assert.deepEqual(patient.communication, [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en', display: 'English' }] } }]);
  const race = patient.extension?.find((e) => e.url === 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race');
  assert.deepEqual(race?.extension, [
    { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' } },
    { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2028-9', display: 'Asian' } },
    { url: 'text', valueString: 'White, Asian' },
  ]);
  const ethnicity = patient.extension?.find((e) => e.url === 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity');
  assert.deepEqual(ethnicity?.extension, [
    { url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2135-2', display: 'Hispanic or Latino' } },
    { url: 'text', valueString: 'Hispanic or Latino' },
  ]);
});

test('A01: PD1 general practitioners and NK1 as RelatedPerson and Patient.contact', () => {
  const { bundle } = mapText(a01());
  const patient = one<Patient>(bundle, 'Patient');
  const [org, gp] = patient.generalPractitioner ?? [];
  assert.equal(resolve<Organization>(bundle, org).name, 'GOODHEALTH CLINIC');
  assert.deepEqual(resolve<Practitioner>(bundle, gp).name, [{ family: 'PRIMARY', given: ['PAT'], prefix: ['DR'] }]);
  assert.deepEqual(patient.contact, [{
    relationship: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SPS' }, { system: 'http://terminology.hl7.org/CodeSystem/v2-0063', code: 'SPO', display: 'Spouse' }] },
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'EC', display: 'Emergency Contact' }] },
    ],
    name: { use: 'official', family: 'DOE', given: ['JOHN'] },
    telecom: [{ extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/contactpoint-country', valueString: '1' },
      { url: 'http://hl7.org/fhir/StructureDefinition/contactpoint-area', valueString: '217' },
      { url: 'http://hl7.org/fhir/StructureDefinition/contactpoint-local', valueString: '5550100' },
    ], system: 'phone', value: '+1 217 5550100', use: 'home' }],
    address: { use: 'home', line: ['123 MAIN ST'], city: 'SPRINGFIELD', state: 'IL', postalCode: '62701', country: 'USA' },
  }]);
  const related = all<RelatedPerson>(bundle, 'RelatedPerson').find((r) => r.name?.[0]?.given?.[0] === 'JOHN' && r.relationship?.length === 2);
  assert.ok(related);
  assert.equal(related.patient.reference, `urn:uuid:${patient.id}`);
  assert.equal(related.relationship?.[0]?.coding?.[0]?.code, 'SPS');
});

test('A01: Encounter from PV1/PV2 — class, status, locations chained by partOf, participants, visit number, service', () => {
  const { bundle } = mapText(a01());
  const encounter = one<Encounter>(bundle, 'Encounter');
  assert.equal(encounter.id, deriveResourceId('Encounter', 'urn:conduit:id:GOODHEALTH', 'V100'));
  assert.equal(encounter.status, 'in-progress');
  assert.deepEqual(encounter.class, { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' });
  assert.deepEqual(encounter.identifier, [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }], text: 'visit number' }, system: 'urn:conduit:id:GOODHEALTH', value: 'V100', assigner: { display: 'GOODHEALTH' } }]);
  assert.deepEqual(encounter.serviceType, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '382', display: 'Medical Services' }] });
  assert.deepEqual(encounter.period, { start: '2026-11-22T07:30:00-05:00' });
  assert.deepEqual(encounter.hospitalization?.admitSource, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0023', code: '7' }] });
  assert.deepEqual(encounter.reasonCode, [{ coding: [{ system: 'L', code: 'CP', display: 'Chest pain' }] }]);

  assert.equal(encounter.location?.length, 1);
  assert.equal(encounter.location?.[0]?.status, 'active');
  const chain: string[] = [];
  for (let loc: Location | undefined = resolve<Location>(bundle, encounter.location?.[0]?.location); loc; loc = loc.partOf ? resolve<Location>(bundle, loc.partOf) : undefined) {
    chain.push(`${loc.physicalType?.coding?.[0]?.code ?? 'poc'}:${loc.name}`);
  }
  assert.deepEqual(chain, ['bd:B', 'ro:401', 'poc:4W', 'lvl:4', 'bu:MAIN', 'si:GOODHEALTH']);

  const roles = (encounter.participant ?? []).map((p) => `${p.type?.[0]?.coding?.[0]?.code}:${resolve<Practitioner>(bundle, p.individual).name?.[0]?.family}`);
  assert.deepEqual(roles, ['ATND:WELBY', 'REF:REFER', 'CON:CONSULT', 'ADM:WELBY']);
  const welby = all<Practitioner>(bundle, 'Practitioner').filter((p) => p.name?.[0]?.family === 'WELBY');
  assert.equal(welby.length, 1, 'the attending and admitting doctor is one Practitioner');
  assert.deepEqual(welby[0]?.identifier, [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234' }]);
  assert.equal(welby[0]?.id, deriveResourceId('Practitioner', 'http://hl7.org/fhir/sid/us-npi', '1234'));
});

test('A01: AL1 → AllergyIntolerance, DG1 → Condition + Encounter.diagnosis, IN1 → Coverage + payor', () => {
  const { bundle } = mapText(a01());
  const [penicillin, peanuts] = all<AllergyIntolerance>(bundle, 'AllergyIntolerance');
  assert.deepEqual(penicillin?.clinicalStatus, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active', display: 'Active' }] });
  assert.deepEqual(penicillin?.category, ['medication']);
  assert.equal(penicillin?.type, 'allergy');
  assert.equal(penicillin?.criticality, 'high');
  assert.deepEqual(penicillin?.code, { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '70618', display: 'Penicillin' }] });
  assert.deepEqual(penicillin?.reaction, [{ manifestation: [{ text: 'HIVES' }, { text: 'ITCHING' }], severity: 'severe' }]);
  assert.equal(penicillin?.onsetDateTime, '2020-01-01');
  assert.deepEqual(peanuts?.category, ['food']);
  assert.equal(peanuts?.criticality, 'low');
  assert.deepEqual(peanuts?.code, { text: 'Peanuts' });

  const encounter = one<Encounter>(bundle, 'Encounter');
  const condition = one<Condition>(bundle, 'Condition');
  assert.deepEqual(condition.code, { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I21.4', display: 'NSTEMI' }] });
  assert.equal(condition.encounter?.reference, `urn:uuid:${encounter.id}`);
  assert.equal(resolve<Practitioner>(bundle, condition.asserter).name?.[0]?.family, 'WELBY');
  assert.deepEqual(encounter.diagnosis, [{
    condition: { reference: `urn:uuid:${condition.id}` },
    use: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/diagnosis-role', code: 'AD', display: 'Admission diagnosis' }, { system: 'http://terminology.hl7.org/CodeSystem/v2-0052', code: 'A' }] },
    rank: 1,
  }]);

  const coverage = one<Coverage>(bundle, 'Coverage');
  assert.equal(coverage.status, 'active');
  assert.deepEqual(coverage.period, { start: '2026-01-01', end: '2026-12-31' });
  assert.equal(coverage.subscriberId, 'SUB-777');
  assert.deepEqual(coverage.relationship?.coding?.[0], { system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'spouse' });
  assert.deepEqual(coverage.class?.map((c) => [c.type.coding?.[0]?.code, c.value, c.name]), [['plan', 'PPO1', 'Gold PPO'], ['group', 'GRP77', 'Acme Corp']]);
  const payor = resolve<Organization>(bundle, coverage.payor[0]);
  assert.equal(payor.name, 'Blue Cross');
  assert.deepEqual(payor.identifier, [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'XX' }] }, system: 'urn:conduit:id:GOODHEALTH', value: 'BCBS01' }]);
  const insured = resolve<RelatedPerson>(bundle, coverage.subscriber);
  assert.equal(insured.birthDate, '1979-01-01');
});

test('A01: MessageHeader, sending facility Organization and Provenance', () => {
  const event = mapText(a01());
  const { bundle } = event;
  assert.equal(bundle.type, 'message');
  assert.equal(bundle.timestamp, '2026-11-22T08:00:00-05:00');
  assert.deepEqual(bundle.identifier, { system: 'urn:conduit:control-id:GOODHEALTH', value: 'CTL0001' });
  const header = bundle.entry?.[0]?.resource as MessageHeader;
  assert.equal(header.resourceType, 'MessageHeader');
  assert.deepEqual(header.eventCoding, { system: 'http://terminology.hl7.org/CodeSystem/v2-0003', code: 'A01' });
  assert.deepEqual(header.source, { name: 'EPIC', endpoint: 'urn:conduit:endpoint:EPIC' });
  assert.equal(resolve<Organization>(bundle, header.sender).name, 'GOODHEALTH');
  const [source, evn, transformation] = all<Provenance>(bundle, 'Provenance');
  assert.equal(source?.recorded, '2026-11-22T08:00:00-05:00');
  assert.deepEqual(source?.activity, { coding: [{ display: 'message - ADT^A01^ADT_A01' }] });
  assert.equal(resolve<Organization>(bundle, source?.agent[0]?.who).name, 'GOODHEALTH');
  assert.deepEqual(source?.entity?.map((e) => e.what.identifier), [
    { system: 'urn:conduit:raw-event-id', value: event.rawEventId },
    { system: 'urn:conduit:control-id:GOODHEALTH', value: 'CTL0001' },
    { system: 'urn:conduit:sending-application', value: 'EPIC' },
  ]);
  assert.equal(evn?.recorded, '2026-11-22T07:55:00-05:00');
  assert.equal(evn?.occurredDateTime, '2026-11-22T07:50:00-05:00');
  assert.equal(resolve<Practitioner>(bundle, evn?.agent[0]?.who).name?.[0]?.family, 'CLERK');
  assert.deepEqual(transformation?.activity?.coding?.[0]?.code, 'v2-fhir-transformation');
  assert.equal(event.eventType, 'patient-admitted');
  assert.equal(event.occurredAt, '2026-11-22T08:00:00-05:00');
  assert.equal(event.source.facility, 'GOODHEALTH');
  assert.match(event.patientKey ?? '', /^[A-Za-z0-9_-]{20,}$/);
  assert.ok(!JSON.stringify(event.patientKey).includes('MRN123'));
});

test('A01: the mapping report lists present-but-unused fields by path and count, never values', () => {
  const event = mapText(hl7(MSH_ADT('A01'), EVN, PID, PV1('I', { 18: 'IP' }), 'GT1|1||GUARANTOR^GARY', 'ZXY|1|secret'));
  const unmapped = event.mappingReport?.unmapped ?? [];
  const paths = unmapped.map((u) => u.path);
  assert.ok(paths.includes('PV1-18'), 'patient type is deliberately unmapped');
  assert.ok(paths.includes('EVN-1'));
  assert.ok(paths.includes('GT1-1') && paths.includes('GT1-3.1') && paths.includes('ZXY-2'));
  assert.ok(unmapped.every((u) => u.count >= 1));
  assert.ok(!JSON.stringify(unmapped).includes('GUARANTOR') && !JSON.stringify(unmapped).includes('secret'));
  assert.ok(!paths.some((p) => p.startsWith('PID-5') || p.startsWith('PID-3')));
});

test('A02 moves the encounter: new location active, prior location completed, same Encounter id as A01', () => {
  const admit = mapText(a01());
  const transfer = mapText(hl7(MSH_ADT('A02', 'ADT_A02', 'CTL0002'), 'EVN|A01|20261122120000-0500', PID, PV1('I', { 3: '5E^510^A^GOODHEALTH^^^MAIN^5', 6: '4W^401^B^GOODHEALTH^^^MAIN^4' })));
  const before = one<Encounter>(admit.bundle, 'Encounter');
  const after = one<Encounter>(transfer.bundle, 'Encounter');
  assert.equal(after.id, before.id);
  assert.equal(after.status, 'in-progress');
  assert.equal(transfer.eventType, 'patient-transferred');
  assert.deepEqual(after.location?.map((l) => [resolve<Location>(transfer.bundle, l.location).name, l.status]), [['A', 'active'], ['B', 'completed']]);
  assert.equal(after.location?.[1]?.location.reference, before.location?.[0]?.location.reference, 'the prior bed is the Location the A01 assigned');
});

test('A03 finishes the encounter with PV1-45 and discharge disposition', () => {
  const { bundle, eventType } = mapText(hl7(MSH_ADT('A03', 'ADT_A03'), 'EVN|A03|20261125100000-0500', PID, PV1('I', { 36: '01^Discharged home', 45: '20261125093000-0500' })));
  const encounter = one<Encounter>(bundle, 'Encounter');
  assert.equal(eventType, 'patient-discharged');
  assert.equal(encounter.status, 'finished');
  assert.deepEqual(encounter.period, { start: '2026-11-22T07:30:00-05:00', end: '2026-11-25T09:30:00-05:00' });
  assert.equal(encounter.location?.[0]?.status, 'completed');
  assert.deepEqual(encounter.hospitalization?.dischargeDisposition, { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0112', code: '01', display: 'Discharged home' }] });
});

test('A04 registers: PV1-2 decides (O → AMB, in-progress); with no usable PV1-2 the event map says planned', () => {
  const outpatient = one<Encounter>(mapText(hl7(MSH_ADT('A04'), PID, PV1('O'))).bundle, 'Encounter');
  assert.equal(outpatient.status, 'in-progress');
  assert.equal(outpatient.class.code, 'AMB');
  const unknownClass = mapText(hl7(MSH_ADT('A04'), PID, PV1('ff')));
  const encounter = one<Encounter>(unknownClass.bundle, 'Encounter');
  assert.equal(encounter.status, 'planned');
  assert.deepEqual(encounter.class, { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'unknown' });
  assert.ok(unmappedPaths(unknownClass).includes('PV1-2'), 'an unmappable PV1-2 is reported');
});

test('A05 pre-admits (planned), A08 updates (PV1 decides, else unknown), A11 cancels, A13 cancels the discharge', () => {
  const preadmit = one<Encounter>(mapText(hl7(MSH_ADT('A05', 'ADT_A05'), PID, PV1('P'))).bundle, 'Encounter');
  assert.equal(preadmit.status, 'planned');
  assert.equal(preadmit.class.code, 'PRENC');
  assert.equal(preadmit.location?.[0]?.status, 'planned');
  assert.equal(one<Encounter>(mapText(hl7(MSH_ADT('A08'), PID, PV1('E'))).bundle, 'Encounter').status, 'in-progress');
  assert.equal(one<Encounter>(mapText(hl7(MSH_ADT('A08'), PID, seg('PV1', { 1: '1', 19: 'V100^^^GOODHEALTH^VN' }))).bundle, 'Encounter').status, 'unknown');
  const cancelled = mapText(hl7(MSH_ADT('A11', 'ADT_A09'), PID, PV1('I')));
  assert.equal(cancelled.eventType, 'admit-cancelled');
  assert.equal(one<Encounter>(cancelled.bundle, 'Encounter').status, 'cancelled');
  const undischarged = mapText(hl7(MSH_ADT('A13'), PID, PV1('I', { 45: '20261125093000-0500' })));
  const encounter = one<Encounter>(undischarged.bundle, 'Encounter');
  assert.equal(undischarged.eventType, 'discharge-cancelled');
  assert.equal(encounter.status, 'in-progress');
  assert.deepEqual(encounter.period, { start: '2026-11-22T07:30:00-05:00' });
  assert.ok(unmappedPaths(undischarged).includes('PV1-45'), 'the cancelled discharge time is reported, not mapped');
});

test('A31 updates the person only: no Encounter, its PV1 stays in the report', () => {
  const event = mapText(hl7(MSH_ADT('A31', 'ADT_A05'), 'EVN|A31|20261122080000-0500', PID, 'PV1|1|N'));
  assert.equal(event.eventType, 'person-updated');
  assert.equal(all(event.bundle, 'Encounter').length, 0);
  assert.equal(one<Patient>(event.bundle, 'Patient').name?.[0]?.family, 'O&NEIL');
  assert.ok(unmappedPaths(event).includes('PV1-2'));
});

test('A40 merges: survivor replaces the retired Patient, which is inactive and replaced-by the survivor', () => {
  const event = mapText(hl7(MSH_ADT('A40', 'ADT_A39'), 'EVN|A40|20261122080000-0500', PID, 'MRG|OLD999^^^GOODHEALTH^MR'));
  assert.equal(event.eventType, 'patients-merged');
  const patients = all<Patient>(event.bundle, 'Patient');
  assert.equal(patients.length, 2);
  const survivor = patients.find((p) => p.id === deriveResourceId('Patient', 'GOODHEALTH', 'MRN123'))!;
  const retired = patients.find((p) => p.id === deriveResourceId('Patient', 'GOODHEALTH', 'OLD999'))!;
  assert.equal(survivor.active, true);
  assert.deepEqual(survivor.link, [{ other: { reference: `urn:uuid:${retired.id}` }, type: 'replaces' }]);
  assert.deepEqual(survivor.identifier?.at(-1), { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:conduit:id:GOODHEALTH', value: 'OLD999', assigner: { display: 'GOODHEALTH' }, use: 'old' });
  assert.equal(retired.active, false);
  assert.deepEqual(retired.link, [{ other: { reference: `urn:uuid:${survivor.id}` }, type: 'replaced-by' }]);
  assert.equal(retired.identifier?.[0]?.value, 'OLD999');
  assert.equal(all(event.bundle, 'Encounter').length, 0);
});

test('missing optional fields: a minimal A01 maps to a minimal, valid bundle', () => {
  const event = mapText(hl7('MSH|^~\\&|APP|FAC|||20261122080000||ADT^A01|M1|P|2.3', 'PID|||M1||DOE^J', 'PV1||E'));
  const patient = one<Patient>(event.bundle, 'Patient');
  assert.deepEqual(patient.name, [{ family: 'DOE', given: ['J'] }]);
  assert.equal(patient.gender, undefined);
  assert.deepEqual(patient.identifier, [{ system: 'urn:conduit:id:FAC', value: 'M1' }]);
  const encounter = one<Encounter>(event.bundle, 'Encounter');
  assert.equal(encounter.status, 'in-progress');
  assert.equal(encounter.class.code, 'EMER');
  assert.equal(encounter.location, undefined);
  assert.equal(event.bundle.timestamp, '2026-11-22T08:00:00+00:00', 'no offset: the configured zone (default UTC)');
  assert.deepEqual(event.mappingReport?.unmapped, []);
});

test('a time zone in the context resolves times without an offset', () => {
  const event = mapText(hl7('MSH|^~\\&|APP|FAC|||20260715080000||ADT^A01|M1|P|2.3', 'PID|||M1||DOE^J||19700101', 'PV1||E||||||||||||||||||||||||||||||||||||||||||20260115093000'), { timeZone: 'America/Chicago' });
  assert.equal(event.bundle.timestamp, '2026-07-15T08:00:00-05:00');
  assert.equal(one<Encounter>(event.bundle, 'Encounter').period?.start, '2026-01-15T09:30:00-06:00');
});

test('identifier systems come from the context table before the default table and the urn:conduit:id fallback', () => {
  const event = mapText(hl7(MSH_ADT('A01'), PID, PV1('I')), {
    identifierSystems: { authorities: { GOODHEALTH: 'https://goodhealth.example.org/fhir/mrn' } },
  });
  const patient = one<Patient>(event.bundle, 'Patient');
  assert.equal(patient.identifier?.[0]?.system, 'https://goodhealth.example.org/fhir/mrn');
  assert.equal(patient.identifier?.[1]?.system, 'http://hl7.org/fhir/sid/us-ssn');
});

test('PID-8 values outside table 0001 are left out and reported, not guessed', () => {
  const event = mapText(hl7(MSH_ADT('A01'), 'PID|||M1^^^GOODHEALTH^MR||DOE^J||19610615|M-', 'PV1||I'));
  assert.equal(one<Patient>(event.bundle, 'Patient').gender, undefined);
  assert.ok(unmappedPaths(event).includes('PID-8'));
});
