/*
 * What each supported event must carry, as data. Segment lists follow the abstract message
 * structures of v2.5.1 (chapter 3 ADT, chapter 7 ORU), which v2.3 to v2.8 agree on for the
 * segments listed; field lists are the fields marked R in those versions' segment tables.
 */

export interface EventProfile {
  /** Segments that must appear at least once, beyond MSH. */
  readonly segments: readonly string[];
  /** Fields required in this event beyond REQUIRED_FIELDS, by segment. */
  readonly fields?: Readonly<Record<string, readonly number[]>>;
}

/** EVN, PID and PV1 are required in ADT_A01, A02, A03, A05 and A09 (the A11 structure). */
const ADT_VISIT: EventProfile = { segments: ['EVN', 'PID', 'PV1'] };

export const EVENT_PROFILES: Readonly<Record<string, EventProfile>> = {
  'ADT^A01': ADT_VISIT,
  'ADT^A02': ADT_VISIT,
  'ADT^A03': ADT_VISIT,
  'ADT^A04': ADT_VISIT,
  'ADT^A05': ADT_VISIT,
  'ADT^A08': ADT_VISIT,
  'ADT^A11': ADT_VISIT,
  'ADT^A13': ADT_VISIT,
  'ADT^A31': ADT_VISIT,
  // ADT_A39 (merge patient): PV1 is optional, MRG carries the identifiers being merged away.
  'ADT^A40': { segments: ['EVN', 'PID', 'MRG'] },
  // ORU_R01 makes the PATIENT group optional (v2.5.1 §7.3.1). Conduit keys every event by
  // patient, so a result without PID is refused here, where the sender still gets the answer,
  // instead of dead-lettered after an AA. OBX stays optional: order-status reports carry none.
  // OBR-25 result status is conditional, required when OBR reports results (v2.5.1 §4.5.3.25).
  'ORU^R01': { segments: ['PID', 'OBR'], fields: { OBR: [25] } },
};

/** Message types whose events are listed above. */
export const SUPPORTED_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_PROFILES).map((k) => k.slice(0, 3)));

/** Fields marked R wherever the segment appears (v2.5 segment tables). */
export const REQUIRED_FIELDS: Readonly<Record<string, readonly number[]>> = {
  // MSH-7 is optional in v2.3's table; Conduit needs a message time for ordering and replay.
  // MSH-9 is checked component by component in validateMessage.
  MSH: [7, 10, 11, 12],
  EVN: [2],
  PID: [3, 5],
  PV1: [2],
  MRG: [1],
  OBR: [4],
  OBX: [3, 11],
};

/** Date/time fields checked for DTM format wherever present. */
export const TIMESTAMP_FIELDS: Readonly<Record<string, readonly number[]>> = {
  MSH: [7],
  EVN: [2, 3, 6],
  PID: [7, 29],
  PV1: [44, 45],
  OBR: [6, 7, 8, 14, 22],
  OBX: [12, 14, 19],
};
