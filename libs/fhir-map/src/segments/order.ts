import type { CodeableConcept, DiagnosticReport, Identifier, Practitioner, Reference, ServiceRequest } from '@medplum/fhirtypes';
import { ConduitError } from '@conduit/errors';
import { referenceTo } from '../bundle-builder.ts';
import { v2Table } from '../code-systems.ts';
import { toCodeableConcept } from '../datatypes/cwe.ts';
import { eiToIdentifier } from '../datatypes/ei.ts';
import type { MapScope } from '../map-scope.ts';
import { practitionerFromCnn, practitionerFromXcn } from '../resources/practitioner.ts';
import type { SegmentReader } from '../segment-reader.ts';
import { ORDER_CONTROL_STATUS, ORDER_STATUS, REPORT_STATUS } from '../vocab/clinical.ts';
import type { MappedObservation } from './obx.ts';
import type { MappedPatient } from './pid.ts';
import type { MappedEncounter } from './pv1.ts';
import type { MappedSpecimen } from './spm.ts';

const orderStatuses: Readonly<Record<string, ServiceRequest['status']>> = ORDER_STATUS;
const controlStatuses: Readonly<Record<string, ServiceRequest['status']>> = ORDER_CONTROL_STATUS;
const reportStatuses: Readonly<Record<string, DiagnosticReport['status']>> = REPORT_STATUS;

/** One ORDER_OBSERVATION group of ORU_R01: ORC?, OBR, NTE*, OBSERVATION*, SPECIMEN*. */
export interface OrderGroup {
  orc?: SegmentReader;
  obr?: SegmentReader;
  request?: ServiceRequest & { id: string };
  report?: DiagnosticReport & { id: string };
  readonly observations: MappedObservation[];
  readonly specimens: MappedSpecimen[];
  /** OBX occurrences per code + sub-id, for stable Observation ids. */
  readonly seen: Map<string, number>;
  effectiveDateTime?: string;
  effectivePeriod?: { start?: string; end?: string };
}

export function newOrderGroup(): OrderGroup {
  return { observations: [], specimens: [], seen: new Map() };
}

/** Placer/filler number: OBR-n when valued, else ORC-n (ORC[ServiceRequest]: "only if OBR-2 / OBR-3 empty"). */
function orderNumber(scope: MapScope, group: OrderGroup, field: 2 | 3, type: string): Identifier | undefined {
  const fromObr = group.obr ? eiToIdentifier(scope, group.obr.field(field), type) : undefined;
  if (fromObr) {
    const { orc, obr } = group;
    // The ORC copy of the same number says nothing new; a different one stays in the report.
    if (orc && obr && [1, 2, 3, 4].every((c) => orc.peek(field, 1, c) === obr.peek(field, 1, c))) {
      for (const c of [1, 2, 3, 4]) orc.get(field, 1, c);
    }
    return fromObr;
  }
  return group.orc ? eiToIdentifier(scope, group.orc.field(field), type) : undefined;
}

/**
 * ORC + OBR → ServiceRequest (ORC[ServiceRequest] @ 14421cd7, OBR[ServiceRequest]) and
 * DiagnosticReport (ORC[DiagnosticReport], OBR[DiagnosticReport] @ 31ff55f0), DiagnosticReport.basedOn
 * the request. ServiceRequest.status from ORC-5 (table 0038), else ORC-1 (table 0119), else
 * unknown. DiagnosticReport.status from OBR-25 (ResultStatus[Non-Queries]): required, and a code
 * the map leaves out (A, M, N, Y, Z, …) refuses the message ("IF NOT MAPPED ERROR").
 */
export function mapOrder(scope: MapScope, group: OrderGroup, patient: MappedPatient, encounter: MappedEncounter | undefined): void {
  const { orc, obr } = group;
  const placer = orderNumber(scope, group, 2, 'PLAC');
  const filler = orderNumber(scope, group, 3, 'FILL');
  const groupNumber = orc ? eiToIdentifier(scope, orc.field(4), 'PGN') : undefined;
  const anchor = orc ?? obr!;

  let status: ServiceRequest['status'] = 'unknown';
  if (orc) {
    orc.get(1);
    const statusCode = orc.get(5);
    const control = orc.peek(1);
    const fromStatus = orderStatuses[statusCode];
    if (statusCode && !fromStatus) orc.drop(5);
    status = fromStatus ?? controlStatuses[control] ?? 'unknown';
  }
  const authored = orc && orc.peek(1) === 'NW' ? orc.get(9) : '';
  const authoredOn = authored ? scope.dates.dateTime(authored) : undefined;
  if (authored && !authoredOn) orc?.drop(9);

  let requester: Reference<Practitioner> | undefined;
  if (orc && orc.reps(12) > 0) requester = practitionerFromXcn(scope, orc, 12, 1);
  else if (obr && obr.reps(16) > 0) requester = practitionerFromXcn(scope, obr, 16, 1);

  const code = obr ? toCodeableConcept(obr.field(4)) : undefined;
  const reasonCode: CodeableConcept[] = [];
  if (obr) {
    for (let r = 1; r <= obr.reps(31); r++) {
      const reason = toCodeableConcept(obr.field(31, r));
      if (reason) reasonCode.push(reason);
    }
  }
  const requestKey = placer ?? filler;
  const request = scope.bundle.add<ServiceRequest & { id: string }>({
    resourceType: 'ServiceRequest',
    id: requestKey ? scope.id('ServiceRequest', requestKey.system ?? '', requestKey.value ?? '') : scope.positionId('ServiceRequest', anchor),
    identifier: [placer, filler, groupNumber].filter((i): i is Identifier => i !== undefined),
    status,
    intent: 'order',
    code,
    subject: referenceTo(patient),
    encounter: encounter ? referenceTo(encounter) : undefined,
    authoredOn,
    requester,
    reasonCode,
  });
  group.request = request;
  if (!obr) return;

  obr.get(1);
  if (!code) throw new ConduitError('CDT_HL7_REQUIRED_FIELD_MISSING', `OBR-4 of segment ${obr.index + 1}`);
  const resultStatus = obr.get(25);
  if (!resultStatus) throw new ConduitError('CDT_HL7_REQUIRED_FIELD_MISSING', `OBR-25 of segment ${obr.index + 1}`);
  const reportStatus = reportStatuses[resultStatus];
  if (!reportStatus) throw new ConduitError('CDT_MAP_UNMAPPED_RESULT_STATUS', `OBR-25 of segment ${obr.index + 1}`);

  const observed = obr.get(7);
  const observedEnd = obr.get(8);
  const start = observed ? scope.dates.dateTime(observed) : undefined;
  const end = observedEnd ? scope.dates.dateTime(observedEnd) : undefined;
  if (observed && !start) obr.drop(7);
  if (observedEnd && !end) obr.drop(8);
  if (end) group.effectivePeriod = { start, end };
  else group.effectiveDateTime = start;
  const issuedText = obr.get(22);
  const issued = issuedText ? scope.dates.instant(issuedText) : undefined;
  if (issuedText && !issued) obr.drop(22);
  const section = obr.get(24);
  const interpreters: Reference<Practitioner>[] = [];
  for (let r = 1; r <= obr.reps(32); r++) {
    const p = practitionerFromCnn(scope, obr, 32, r);
    if (p) interpreters.push(p);
  }
  const reportKey = filler ?? placer;
  group.report = scope.bundle.add<DiagnosticReport & { id: string }>({
    resourceType: 'DiagnosticReport',
    id: reportKey ? scope.id('DiagnosticReport', reportKey.system ?? '', reportKey.value ?? '', code.coding?.[0]?.code ?? '') : scope.positionId('DiagnosticReport', obr),
    identifier: [placer, filler].filter((i): i is Identifier => i !== undefined),
    basedOn: [referenceTo(request)],
    status: reportStatus,
    category: section ? [{ coding: [{ system: v2Table('0074'), code: section }] }] : undefined,
    code,
    subject: referenceTo(patient),
    encounter: encounter ? referenceTo(encounter) : undefined,
    ...(group.effectivePeriod ? { effectivePeriod: group.effectivePeriod } : { effectiveDateTime: group.effectiveDateTime }),
    issued,
    resultsInterpreter: interpreters,
  });
}

/** Links the group's results and specimens once all its segments are read. */
export function closeOrder(group: OrderGroup): void {
  const specimens = group.specimens.map((s) => referenceTo(s));
  if (group.report) {
    group.report.result = group.observations.map((o) => referenceTo(o));
    if (specimens.length) group.report.specimen = specimens;
  }
  if (group.request && specimens.length) group.request.specimen = specimens;
  if (specimens.length === 1) for (const o of group.observations) o.specimen ??= specimens[0];
}
