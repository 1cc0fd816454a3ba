import type { Identifier, Specimen } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { eiToIdentifier } from '../datatypes/ei.ts';
import { firstDateTime } from '../datatypes/period.ts';
import type { MapScope } from '../map-scope.ts';
import { subcomponentsOf, type SegmentReader } from '../segment-reader.ts';
import type { MappedPatient } from './pid.ts';

export type MappedSpecimen = Specimen & { id: string };

/**
 * SPM → Specimen (SPM[Specimen] sheet): SPM-2 (EIP: placer, filler) → identifier PLAC/FILL,
 * SPM-4 type, SPM-7 collection method, SPM-8 source site → collection.bodySite, SPM-14
 * description → note, SPM-17 (DR) → collection.collected[x], SPM-18 → receivedTime, SPM-24
 * condition. Id from the filler (else placer) specimen id, else the message position.
 */
export function mapSpm(scope: MapScope, spm: SegmentReader, patient: MappedPatient): MappedSpecimen {
  spm.get(1);
  const identifier: Identifier[] = [];
  const placer = eiToIdentifier(scope, subcomponentsOf(spm.field(2), 1), 'PLAC');
  const filler = eiToIdentifier(scope, subcomponentsOf(spm.field(2), 2), 'FILL');
  if (placer) identifier.push(placer);
  if (filler) identifier.push(filler);
  const key = filler ?? placer;
  const collectedStart = firstDateTime(scope, spm.field(17), [[1, 1]]);
  const collectedEnd = firstDateTime(scope, spm.field(17), [[2, 1]]);
  const received = spm.get(18);
  const receivedTime = received ? scope.dates.dateTime(received) : undefined;
  if (received && !receivedTime) spm.drop(18);
  const description = spm.get(14);
  const conditions = [];
  for (let r = 1; r <= spm.reps(24); r++) {
    const c = toCodeableConcept(spm.field(24, r), v2Table('0493'));
    if (c) conditions.push(c);
  }
  const specimen: MappedSpecimen = {
    resourceType: 'Specimen',
    id: key ? scope.id('Specimen', key.system ?? '', key.value ?? '') : scope.positionId('Specimen', spm),
    identifier,
    type: toCodeableConcept(spm.field(4), v2Table('0487')),
    subject: referenceTo(patient),
    receivedTime,
    collection: {
      method: toCodeableConcept(spm.field(7), v2Table('0488')),
      bodySite: toCodeableConcept(spm.field(8)),
      ...(collectedEnd ? { collectedPeriod: { start: collectedStart, end: collectedEnd } } : { collectedDateTime: collectedStart }),
    },
    condition: conditions,
    note: description ? [{ text: description }] : undefined,
  };
  return scope.bundle.add(specimen);
}
