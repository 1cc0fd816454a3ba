import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codingSystemUri } from './code-systems.ts';
import { createDateConverter, dateConverterFor } from './datatypes/dtm.ts';
import { mimeType } from './datatypes/attachment.ts';
import { createIdentifierSystemResolver } from './identifier-systems.ts';
import { prune } from './prune.ts';

test('DTM → FHIR dateTime keeps the precision, adds seconds and the offset a time needs', () => {
  const utc = createDateConverter();
  assert.equal(utc.dateTime('2026'), '2026');
  assert.equal(utc.dateTime('202611'), '2026-11');
  assert.equal(utc.dateTime('20261122'), '2026-11-22');
  assert.equal(utc.dateTime('2026112208'), '2026-11-22T08:00:00+00:00');
  assert.equal(utc.dateTime('202611220815'), '2026-11-22T08:15:00+00:00');
  assert.equal(utc.dateTime('20261122081530.1234-0530'), '2026-11-22T08:15:30.1234-05:30');
  assert.equal(utc.dateTime('20261122+0100'), '2026-11-22', 'a date has no offset in FHIR');
  for (const bad of ['196203520', '20261322', '20260230', '2026112225', '20261122081560', '20261122-1500', 'yesterday', '0000']) {
    assert.equal(utc.dateTime(bad), undefined, bad);
  }
  assert.equal(utc.instant('20261122'), undefined, 'an instant needs a time');
  assert.equal(utc.instant('2026112208'), '2026-11-22T08:00:00+00:00');
  assert.equal(utc.date('20261122081530'), '2026-11-22');
  assert.equal(utc.time('0930'), '09:30:00');
  assert.equal(utc.time('093015.5+0100'), '09:30:15.5');
  assert.equal(utc.time('2530'), undefined);
  assert.equal(utc.hasTime('19800215'), false);
  assert.equal(utc.hasTime('198002151030'), true);
});

test('DTM without an offset takes the configured zone, daylight saving included', () => {
  const ny = createDateConverter('America/New_York');
  assert.equal(ny.dateTime('20260115093000'), '2026-01-15T09:30:00-05:00');
  assert.equal(ny.dateTime('20260715093000'), '2026-07-15T09:30:00-04:00');
  assert.equal(ny.dateTime('20260715093000+0000'), '2026-07-15T09:30:00+00:00', 'an explicit offset wins');
  assert.equal(createDateConverter('Asia/Kolkata').dateTime('202601150930'), '2026-01-15T09:30:00+05:30');
});

test('a zone\'s converter is made once per process', () => {
  const chicago = dateConverterFor('America/Chicago');
  assert.equal(dateConverterFor('America/Chicago'), chicago);
  assert.notEqual(dateConverterFor('America/New_York'), chicago);
  assert.equal(chicago.dateTime('20260115093000'), '2026-01-15T09:30:00-06:00');
  assert.equal(chicago.dateTime('20260715093000'), '2026-07-15T09:30:00-05:00');
});

test('coding system names → URIs: HL7 tables, external systems, OIDs; local names as written', () => {
  assert.equal(codingSystemUri('LN'), 'http://loinc.org');
  assert.equal(codingSystemUri('SCT'), 'http://snomed.info/sct');
  assert.equal(codingSystemUri('SNM'), 'http://snomed.info/sct');
  assert.equal(codingSystemUri('UCUM'), 'http://unitsofmeasure.org');
  assert.equal(codingSystemUri('RXNORM'), 'http://www.nlm.nih.gov/research/umls/rxnorm');
  assert.equal(codingSystemUri('I10'), 'http://hl7.org/fhir/sid/icd-10-cm');
  assert.equal(codingSystemUri('ICD-10'), 'http://hl7.org/fhir/sid/icd-10-cm');
  assert.equal(codingSystemUri('HL70203'), 'http://terminology.hl7.org/CodeSystem/v2-0203');
  assert.equal(codingSystemUri('hl70078'), 'http://terminology.hl7.org/CodeSystem/v2-0078');
  assert.equal(codingSystemUri('2.16.840.1.113883.6.1'), 'urn:oid:2.16.840.1.113883.6.1');
  assert.equal(codingSystemUri('99zzz'), '99zzz');
  assert.equal(codingSystemUri('L'), 'L');
  assert.equal(codingSystemUri('99zzz or L'), '99zzz%20or%20L');
  assert.equal(codingSystemUri(''), undefined);
});

test('identifier systems: deployment table, default table, OID/UUID, stable fallback, facility default', () => {
  const resolver = createIdentifierSystemResolver({ authorities: { MPI: 'https://mpi.example.org/id' }, facilities: { NORTH: 'https://north.example.org/mrn' } }, 'SOUTH');
  const hd = (namespace: string, universalId = '', universalIdType = '') => ({ namespace, universalId, universalIdType });
  assert.equal(resolver.resolve(hd('MPI')), 'https://mpi.example.org/id');
  assert.equal(resolver.resolve(hd('USSSA')), 'http://hl7.org/fhir/sid/us-ssn');
  assert.equal(resolver.resolve(hd('', '2.16.840.1.113883.4.6', 'ISO')), 'http://hl7.org/fhir/sid/us-npi');
  assert.equal(resolver.resolve(hd('LAB', '1.2.3.4', 'ISO')), 'urn:oid:1.2.3.4');
  assert.equal(resolver.resolve(hd('', 'A1B2C3D4-0000-4000-8000-000000000000', 'UUID')), 'urn:uuid:a1b2c3d4-0000-4000-8000-000000000000');
  assert.equal(resolver.resolve(hd('Good Health')), 'urn:conduit:id:Good%20Health');
  assert.equal(resolver.resolve(undefined, 'SS'), 'http://hl7.org/fhir/sid/us-ssn');
  assert.equal(resolver.resolve(undefined, 'MR'), 'urn:conduit:id:SOUTH');
  assert.equal(createIdentifierSystemResolver(undefined, 'NORTH').resolve(undefined), 'urn:conduit:id:NORTH');
  assert.equal(createIdentifierSystemResolver({ facilities: { NORTH: 'https://north.example.org/mrn' } }, 'NORTH').resolve(undefined), 'https://north.example.org/mrn');
  assert.equal(createIdentifierSystemResolver(undefined, '').resolve(undefined), undefined);
  assert.equal(resolver.resolve(hd('toString')), 'urn:conduit:id:toString', 'no prototype keys');
});

test('attachment MIME types from ED.2/ED.3', () => {
  assert.equal(mimeType('AP', 'PDF'), 'application/pdf');
  assert.equal(mimeType('IM', 'JPEG'), 'image/jpeg');
  assert.equal(mimeType('NS', 'Octet-stream'), 'application/octet-stream');
  assert.equal(mimeType('', 'text/html'), 'text/html');
  assert.equal(mimeType('TEXT', ''), 'text/plain');
  assert.equal(mimeType('XX', 'YY'), undefined);
});

test('prune empties, in place, what is empty and keeps false and 0', () => {
  const kept = { x: 'y' };
  const value = { a: '', b: [], c: {}, d: [undefined, { e: undefined }, null, '', kept], f: false, g: 0, h: [{ i: 'x' }] };
  assert.equal(prune(value), true);
  assert.equal(JSON.stringify(value), '{"d":[{"x":"y"}],"f":false,"g":0,"h":[{"i":"x"}]}');
  assert.equal(value.d[0], kept);
  assert.equal(value.d.length, 1);
  assert.equal('a' in value && value.a, undefined);
  const empty = { a: { b: [] }, c: [{}] };
  assert.equal(prune(empty), false);
  assert.equal(JSON.stringify(empty), '{}');
});
