import type { Encounter } from '@medplum/fhirtypes';
import type { CanonicalEventType } from '@conduit/events';

export type EncounterStatus = Encounter['status'];

/** How a trigger event sets Encounter.status. */
export interface EncounterRule {
  /**
   * `pv1`: PV1-45 valued → finished, else the PV1-2 class map (PatientClass[EncounterStatus]),
   * else `otherwise`. A fixed status comes from the event map (Event[EncounterStatus]).
   */
  readonly status: 'pv1' | EncounterStatus;
  readonly otherwise?: EncounterStatus;
  /** PV1-45 is not mapped: the event says the discharge did not happen (A13). */
  readonly ignoreDischarge?: boolean;
}

export interface TriggerEvent {
  readonly eventType: CanonicalEventType;
  /** Undefined: the event maps no Encounter (its PV1/PV2 fields stay in the mapping report). */
  readonly encounter?: EncounterRule;
  /** A40: PID is the survivor, MRG the retired record. */
  readonly merge?: boolean;
}

/*
 * Encounter status by trigger event — v2-to-fhir.md §5 (ConceptMap table-hl70003-to-encounter-status)
 * and §4 (PatientClass[EncounterStatus]). Trust MSH-9.2, never EVN-1 (public samples carry EVN|A01
 * in A02…A40 messages). Decisions on the conflicts §5 and §10.3 leave open:
 *  - A01, A04: PV1 decides, as in the IG's ADT_A01 message map (PV1-45 → finished, else PV1-2 class
 *    map). A04 registers an outpatient/ED patient who has arrived, so the event map's `planned`
 *    yields to PV1-2 (O/E → in-progress); `planned` stays the answer only when PV1-2 says nothing
 *    mappable. A05 is the pre-admit event, and keeps `planned`.
 *  - A02, A13: in-progress from the event map. A13 (cancel discharge) does not map PV1-45.
 *  - A03 finished, A11 cancelled: the event is the state change, whatever PV1-2 says (the IG's A11
 *    map takes status from MSH-9).
 *  - A08: an update carries the current PV1, so PV1 decides when it says something; otherwise the
 *    event map's `unknown` ("the transaction does not convey the status").
 *  - A31: person-level update (PV1 is often the dummy `PV1||N`): no Encounter, Patient only.
 *  - A40: no IG message map; merge per the LinuxForHealth pattern (segments/mrg.ts), no Encounter.
 *  - ORU^R01: PV1 is visit context; PV1 decides, else `unknown`.
 */
export const TRIGGER_EVENTS: Readonly<Record<string, TriggerEvent>> = {
  'ADT^A01': { eventType: 'patient-admitted', encounter: { status: 'pv1', otherwise: 'in-progress' } },
  'ADT^A02': { eventType: 'patient-transferred', encounter: { status: 'in-progress' } },
  'ADT^A03': { eventType: 'patient-discharged', encounter: { status: 'finished' } },
  'ADT^A04': { eventType: 'patient-registered', encounter: { status: 'pv1', otherwise: 'planned' } },
  'ADT^A05': { eventType: 'patient-preadmitted', encounter: { status: 'planned' } },
  'ADT^A08': { eventType: 'patient-updated', encounter: { status: 'pv1', otherwise: 'unknown' } },
  'ADT^A11': { eventType: 'admit-cancelled', encounter: { status: 'cancelled' } },
  'ADT^A13': { eventType: 'discharge-cancelled', encounter: { status: 'in-progress', ignoreDischarge: true } },
  'ADT^A31': { eventType: 'person-updated' },
  'ADT^A40': { eventType: 'patients-merged', merge: true },
  'ORU^R01': { eventType: 'result-reported', encounter: { status: 'pv1', otherwise: 'unknown' } },
};
