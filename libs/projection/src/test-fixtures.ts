import type { Bundle } from '@medplum/fhirtypes';
import type { CanonicalEvent } from '@conduit/events';
import type { SubscriberContract } from './contract.ts';
import type { ProjectionKeys } from './domain-tokens.ts';

/**
 * Test data only. The seeded PHI below is fictitious and mirrors deploy/demo/samples/adt-a01.hl7;
 * tests search projected JSON for each value.
 */
export const PHI = {
  family: 'EVERYWOMAN',
  given: 'EVELYNE',
  mrn: 'MRN78123456',
  ssn: '999-12-3456',
  visitNumber: 'VN20261122042',
  phone: '(555)555-2004',
  email: 'eve.everywoman@example.com',
  street: '2222 HOME STREET',
  city: 'GREENSBORO',
  zip: '27401-1020',
  birthDate: '1962-03-20',
  admitDate: '2026-11-22',
  practitionerFamily: 'ATTENDWELL',
  npi: '1234567893',
  noteText: 'Spoke with daughter Alice Everywoman',
  url: 'https://photos.example.com/eve.jpg',
} as const;

export const testKeys: ProjectionKeys = { tokenSecret: Buffer.alloc(32, 7) };

const LOINC = 'http://loinc.org';

export function seededEvent(overrides: { birthDate?: string; zip?: string; occurredAt?: string; replayId?: string } = {}): CanonicalEvent {
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: 'evt-1',
    type: 'collection',
    entry: [
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000001',
        resource: {
          resourceType: 'Patient',
          id: '0b1f6c2e-0000-8000-8000-000000000001',
          meta: { lastUpdated: '2026-11-22T13:30:00Z', source: 'urn:epic' },
          text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${PHI.family}</div>` },
          extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'F' }],
          identifier: [
            { value: PHI.mrn, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, assigner: { display: 'GOODHEALTH' } },
            { value: PHI.ssn, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] }, assigner: { display: 'USSSA' } },
          ],
          name: [{ family: PHI.family, given: [PHI.given] }],
          telecom: [{ system: 'phone', value: PHI.phone, use: 'home' }, { system: 'email', value: PHI.email }],
          gender: 'female',
          birthDate: overrides.birthDate ?? PHI.birthDate,
          address: [{ line: [PHI.street], city: PHI.city, state: 'NC', postalCode: overrides.zip ?? PHI.zip, country: 'USA' }],
          photo: [{ contentType: 'image/jpeg', url: PHI.url }],
          generalPractitioner: [{ reference: 'Practitioner/pr-1', display: `Dr ${PHI.practitionerFamily}` }],
        },
      },
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000002',
        resource: {
          resourceType: 'Encounter',
          id: '0b1f6c2e-0000-8000-8000-000000000002',
          identifier: [{ value: PHI.visitNumber, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }] } }],
          status: 'in-progress',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
          subject: { reference: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000001', display: `${PHI.family}, ${PHI.given}` },
          participant: [{ individual: { reference: 'Practitioner/pr-1', display: PHI.practitionerFamily } }],
          period: { start: `${PHI.admitDate}T08:00:00-05:00` },
          location: [{ location: { reference: 'Location/loc-1', display: 'Ward 2000' } }],
        },
      },
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000003',
        resource: {
          resourceType: 'Observation',
          id: '0b1f6c2e-0000-8000-8000-000000000003',
          status: 'final',
          code: { coding: [{ system: LOINC, code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }] },
          subject: { reference: 'Patient/0b1f6c2e-0000-8000-8000-000000000001' },
          encounter: { reference: 'Encounter/0b1f6c2e-0000-8000-8000-000000000002' },
          effectiveDateTime: `${PHI.admitDate}T09:15:00-05:00`,
          issued: `${PHI.admitDate}T15:20:00Z`,
          valueQuantity: { value: 98, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
          note: [{ text: PHI.noteText }],
          contained: [{ resourceType: 'Patient', id: 'c1', name: [{ family: PHI.family }] }],
        },
      },
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000004',
        resource: {
          resourceType: 'Observation',
          id: '0b1f6c2e-0000-8000-8000-000000000004',
          status: 'final',
          // 19295-5 Opiates [Presence] in Urine by Screen method: substance-use starter value set (42 CFR Part 2).
          code: { coding: [{ system: LOINC, code: '19295-5' }] },
          subject: { reference: 'Patient/0b1f6c2e-0000-8000-8000-000000000001' },
          effectiveDateTime: `${PHI.admitDate}T09:15:00-05:00`,
          valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '10828004', display: 'Positive' }] },
        },
      },
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000005',
        resource: {
          resourceType: 'DiagnosticReport',
          id: '0b1f6c2e-0000-8000-8000-000000000005',
          status: 'final',
          code: { coding: [{ system: LOINC, code: '24323-8', display: 'Comprehensive metabolic 2000 panel' }] },
          subject: { reference: 'Patient/0b1f6c2e-0000-8000-8000-000000000001' },
          result: [
            { reference: 'Observation/0b1f6c2e-0000-8000-8000-000000000003' },
            { reference: 'Observation/0b1f6c2e-0000-8000-8000-000000000004' },
          ],
          conclusion: `Reviewed with ${PHI.given}`,
        },
      },
      {
        fullUrl: 'urn:uuid:0b1f6c2e-0000-8000-8000-000000000006',
        resource: {
          resourceType: 'Practitioner',
          id: 'pr-1',
          identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: PHI.npi }],
          name: [{ family: PHI.practitionerFamily, given: ['AARON'] }],
        },
      },
    ],
  };
  return {
    eventId: '5d1c0c36-8a4e-8d7e-9f60-0b7f4d0d2a11',
    eventType: 'patient-admitted',
    messageType: 'ADT^A01',
    source: { application: 'EPIC', facility: 'GOODHEALTH', listener: 'mllp' },
    occurredAt: overrides.occurredAt ?? `${PHI.admitDate}T08:30:00-05:00`,
    receivedAt: '2026-11-22T13:30:01.000Z',
    patientKey: 'pk-GOODHEALTH-78123456-keyed',
    rawEventId: '5d1c0c36-8a4e-8d7e-9f60-0b7f4d0d2a11',
    ...(overrides.replayId ? { replayId: overrides.replayId } : {}),
    bundle,
  };
}

const CLINICAL = {
  Patient: ['identifier', 'name', 'gender', 'birthDate'],
  Encounter: ['identifier', 'status', 'class', 'subject', 'participant', 'period'],
  Observation: ['status', 'code', 'subject', 'encounter', 'effective[x]', 'value[x]'],
  DiagnosticReport: ['status', 'code', 'subject', 'result'],
  Practitioner: ['name'],
} as const;

export function treatmentContract(overrides: Partial<SubscriberContract['projection']> & { id?: string } = {}): SubscriberContract {
  const { id, ...projection } = overrides;
  return {
    id: id ?? 'care-team',
    version: '3',
    owner: 'Care team',
    purposeOfUse: 'TREAT',
    events: {},
    projection: { allow: CLINICAL, ...projection },
    channels: { kafka: { retentionMs: 604_800_000 } },
  };
}

export function researchContract(overrides: Partial<SubscriberContract['projection']> & { id?: string } = {}): SubscriberContract {
  const { id, ...projection } = overrides;
  return {
    id: id ?? 'research',
    version: '1',
    owner: 'Research office',
    purposeOfUse: 'HRESCH',
    events: {},
    projection: {
      deidentification: 'safe-harbor',
      // Listing identifying elements on purpose: Safe Harbor must remove them anyway.
      allow: {
        Patient: ['identifier', 'name', 'telecom', 'gender', 'birthDate', 'address', 'photo', 'generalPractitioner', 'text', 'meta'],
        Encounter: ['identifier', 'status', 'class', 'subject', 'participant', 'period', 'location'],
        Observation: ['status', 'code', 'subject', 'encounter', 'effective[x]', 'issued', 'value[x]', 'note'],
        DiagnosticReport: ['status', 'code', 'subject', 'result', 'conclusion'],
        Practitioner: ['identifier', 'name'],
      },
      ...projection,
    },
    channels: {},
  };
}
