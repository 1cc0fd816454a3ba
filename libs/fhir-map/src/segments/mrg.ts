import type { HumanName, Identifier } from '@medplum/fhirtypes';
import { referenceTo } from '../bundle-builder.ts';
import { toIdentifier } from '../datatypes/cx.ts';
import { toHumanNames } from '../datatypes/xpn.ts';
import type { MapScope } from '../map-scope.ts';
import type { SegmentReader } from '../segment-reader.ts';
import type { MappedPatient } from './pid.ts';

/**
 * A40 merge (v2-to-fhir.md §5, §10.1: no IG message map; LinuxForHealth ADT_A40.yml pattern).
 * The PID Patient survives: active, MRG-1 identifiers added with use `old`, link `replaces` →
 * the retired Patient. The retired Patient, built from MRG (MRG-1 identifiers, else MRG-4;
 * MRG-7 name), is inactive with link `replaced-by` → the survivor. Its id follows the same
 * identity rule as any Patient (MR identifier + authority), so it is the id its own earlier
 * messages produced. MRG-3/5/6 (account and visit numbers) are not mapped.
 */
export function mapMrg(scope: MapScope, mrg: SegmentReader, survivor: MappedPatient): void {
  const field = mrg.reps(1) > 0 ? 1 : 4;
  const identifiers: Identifier[] = [];
  for (let r = 1; r <= mrg.reps(field); r++) {
    const id = toIdentifier(scope, mrg.field(field, r));
    if (id) identifiers.push(id);
  }
  const names: HumanName[] = [];
  for (let r = 1; r <= mrg.reps(7); r++) names.push(...toHumanNames(scope, mrg.field(7, r)));
  const identity = retiredIdentity(mrg, field, scope.sendingFacility);
  const id = identity ? scope.id('Patient', identity.authority, identity.mrn) : scope.positionId('Patient', mrg);
  if (id === survivor.id) return;
  const retired = scope.bundle.add<MappedPatient>({
    resourceType: 'Patient',
    id,
    identifier: identifiers.map((i) => ({ ...i, use: 'old' })),
    active: false,
    name: names.length ? names : undefined,
    link: [{ other: referenceTo(survivor), type: 'replaced-by' }],
  });
  survivor.active = true;
  survivor.identifier = [...(survivor.identifier ?? []), ...identifiers.map((i) => ({ ...i, use: 'old' as const }))];
  survivor.link = [...(survivor.link ?? []), { other: referenceTo(retired), type: 'replaces' }];
}

function retiredIdentity(mrg: SegmentReader, field: number, sendingFacility: string): { authority: string; mrn: string } | undefined {
  const reps = mrg.reps(field);
  let rep = 1;
  for (let r = 1; r <= reps; r++) {
    if (mrg.peek(field, r, 5) === 'MR') {
      rep = r;
      break;
    }
  }
  const mrn = mrg.peek(field, rep, 1);
  return mrn ? { authority: mrg.peek(field, rep, 4) || sendingFacility, mrn } : undefined;
}
