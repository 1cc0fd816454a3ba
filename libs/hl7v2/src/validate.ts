import { getCatalogEntry } from '@conduit/errors';
import { findSnError, isValidDt, isValidDtm, isValidNm } from './datatypes.ts';
import { EVENT_PROFILES, REQUIRED_FIELDS, SUPPORTED_MESSAGE_TYPES, TIMESTAMP_FIELDS } from './event-profiles.ts';
import { isValidLoinc } from './loinc.ts';
import type { Hl7Message } from './parse.ts';
import type { Hl7Segment } from './segment.ts';
import { PROCESSING_IDS, RESULT_STATUSES, SUPPORTED_VERSIONS, VALUE_TYPES } from './tables.ts';
import { createUcumValidator, type UcumValidator } from './ucum.ts';

/**
 * Where an issue is, in ERR-2 (ERL) terms: segment ID, its 1-based occurrence, field,
 * repetition, component. Never the value: issues are logged and sent back, values are PHI.
 */
export interface IssueLocation {
  readonly segment: string;
  readonly sequence: number;
  readonly field?: number;
  readonly repetition?: number;
  readonly component?: number;
}

export interface ValidationIssue {
  /** A CDT_HL7_* catalog code; its catalog entry says whether the ACK is AE or AR. */
  readonly code: string;
  readonly location: IssueLocation;
}

export interface ValidationOptions {
  /** Z-segments (locally defined, v2.5 chapter 2) not listed in knownZSegments. Default 'accept'. */
  readonly unknownZSegments?: 'accept' | 'reject';
  readonly knownZSegments?: readonly string[];
  /** Message types and events other than the supported ADT and ORU ones. Default 'reject'. */
  readonly unsupportedEvents?: 'accept' | 'reject';
  /** MSH-11.1 values this listener takes (table 0103). Default P, D and T. */
  readonly processingIds?: readonly string[];
  /** MSH-12.1 values this listener takes. Default 2.3 to 2.8.2. */
  readonly versions?: readonly string[];
  /** Checks OBX-6 units marked UCUM; a listener passes one validator to share its memo. */
  readonly ucum?: UcumValidator;
}

const ENVELOPE = new Set(['MSH', 'FHS', 'BHS', 'BTS', 'FTS']);

/**
 * Checks a parsed message at the edge, before it is acknowledged. Issues come in the order an
 * ACK should report them: header refusals (AR: version, processing ID, message type) first,
 * then structure, then content (AE). No issue means the message may be taken.
 */
export function validateMessage(message: Hl7Message, options: ValidationOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (code: string, location: IssueLocation) => issues.push({ code, location });
  const msh = message.msh;
  const mshAt = (field: number, component?: number): IssueLocation => ({ segment: 'MSH', sequence: 1, field, ...(component ? { component } : {}) });

  const version = msh.get(12);
  if (version !== '' && !(options.versions ?? SUPPORTED_VERSIONS).includes(version)) at('CDT_HL7_UNSUPPORTED_VERSION', mshAt(12));
  const processingId = msh.get(11);
  if (processingId !== '' && !(options.processingIds ?? PROCESSING_IDS).includes(processingId)) at('CDT_HL7_UNSUPPORTED_PROCESSING_ID', mshAt(11));
  const messageCode = msh.get(9, 1, 1);
  const trigger = msh.get(9, 1, 2);
  const profile = EVENT_PROFILES[`${messageCode}^${trigger}`];
  if (profile === undefined && options.unsupportedEvents !== 'accept' && messageCode !== '') {
    if (!SUPPORTED_MESSAGE_TYPES.has(messageCode)) at('CDT_HL7_UNSUPPORTED_MESSAGE_TYPE', mshAt(9, 1));
    else if (trigger !== '') at('CDT_HL7_UNSUPPORTED_EVENT', mshAt(9, 2));
  }
  if (messageCode === '') at('CDT_HL7_REQUIRED_FIELD_MISSING', mshAt(9, 1));
  // An ACK may carry no trigger event: before v2.4 MSH-9 of an ACK is often "ACK" alone.
  else if (trigger === '' && messageCode !== 'ACK') at('CDT_HL7_REQUIRED_FIELD_MISSING', mshAt(9, 2));

  const segments = message.segments;
  const sequences = new Map<string, number>();
  const present = new Set<string>();
  const known = new Set(options.knownZSegments ?? []);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const name = seg.name;
    const sequence = (sequences.get(name) ?? 0) + 1;
    sequences.set(name, sequence);
    present.add(name);
    if (i > 0 && ENVELOPE.has(name)) at('CDT_HL7_MULTIPLE_MESSAGES', { segment: name, sequence });
    if (name[0] === 'Z' && options.unknownZSegments === 'reject' && !known.has(name)) at('CDT_HL7_UNKNOWN_Z_SEGMENT', { segment: name, sequence });
  }
  for (const name of profile?.segments ?? []) {
    if (!present.has(name)) at('CDT_HL7_REQUIRED_SEGMENT_MISSING', { segment: name, sequence: 1 });
  }

  sequences.clear();
  for (const seg of segments) {
    const name = seg.name;
    const sequence = (sequences.get(name) ?? 0) + 1;
    sequences.set(name, sequence);
    checkSegment(seg, sequence, profile?.fields?.[name], options, at);
  }
  return issues;
}

type Report = (code: string, location: IssueLocation) => void;

const NONE: readonly number[] = [];

function checkSegment(seg: Hl7Segment, sequence: number, extraRequired: readonly number[] | undefined, options: ValidationOptions, at: Report): void {
  const name = seg.name;
  const loc = (field: number, repetition?: number, component?: number): IssueLocation => ({
    segment: name, sequence, field, ...(repetition ? { repetition } : {}), ...(component ? { component } : {}),
  });
  for (const field of REQUIRED_FIELDS[name] ?? NONE) {
    if (!seg.hasValue(field)) at('CDT_HL7_REQUIRED_FIELD_MISSING', loc(field));
  }
  for (const field of extraRequired ?? NONE) {
    if (!seg.hasValue(field)) at('CDT_HL7_REQUIRED_FIELD_MISSING', loc(field));
  }
  for (const field of TIMESTAMP_FIELDS[name] ?? []) {
    const v = seg.get(field, 1, 1);
    if (v !== '' && !isValidDtm(v)) at('CDT_HL7_INVALID_TIMESTAMP', loc(field));
  }
  switch (name) {
    case 'PID':
      checkIdentifiers(seg, 3, loc, at);
      checkNames(seg, 5, loc, at);
      break;
    case 'MRG':
      checkIdentifiers(seg, 1, loc, at);
      break;
    case 'OBR':
      checkCodedLoinc(seg, 4, loc, at);
      break;
    case 'OBX':
      checkObservation(seg, loc, options, at);
      break;
  }
}

type Locate = (field: number, repetition?: number, component?: number) => IssueLocation;

/** CX (v2.5 2.A, CX): every repetition sent must have its ID number in CX.1. */
function checkIdentifiers(seg: Hl7Segment, field: number, loc: Locate, at: Report): void {
  const reps = seg.repetitions(field);
  for (let r = 1; r <= reps.length; r++) {
    if (reps[r - 1] === '' || reps[r - 1] === '""') continue;
    if (seg.get(field, r, 1) === '') at('CDT_HL7_INVALID_IDENTIFIER', loc(field, r, 1));
  }
}

/** XPN (v2.5 2.A, XPN): a name sent must have a family name (XPN.1.1) or a given name (XPN.2). */
function checkNames(seg: Hl7Segment, field: number, loc: Locate, at: Report): void {
  const reps = seg.repetitions(field);
  for (let r = 1; r <= reps.length; r++) {
    if (reps[r - 1] === '' || reps[r - 1] === '""') continue;
    if (seg.get(field, r, 1, 1) === '' && seg.get(field, r, 2) === '') at('CDT_HL7_INVALID_NAME', loc(field, r));
  }
}

/** CE/CWE triplets (identifier, text, coding system) at components 1-3, 4-6 and 10-12 (v2.7). */
const CODED_TRIPLETS = [1, 4, 10] as const;

function checkCodedLoinc(seg: Hl7Segment, field: number, loc: Locate, at: Report): void {
  for (const c of CODED_TRIPLETS) {
    // Identifier before coding system: the segment's cursor then only moves forward.
    const code = seg.get(field, 1, c);
    if (seg.get(field, 1, c + 2) === 'LN' && !isValidLoinc(code)) at('CDT_HL7_INVALID_LOINC', loc(field, 1, c));
  }
}

/** Fields in ascending order, so each read resumes the segment's cursor instead of rescanning. */
function checkObservation(seg: Hl7Segment, loc: Locate, options: ValidationOptions, at: Report): void {
  const type = seg.get(2);
  if (type !== '' && !VALUE_TYPES.has(type)) at('CDT_HL7_UNKNOWN_VALUE_TYPE', loc(2));
  checkCodedLoinc(seg, 3, loc, at);
  const hasValue = seg.hasValue(5);
  if (type === '' && hasValue) at('CDT_HL7_REQUIRED_FIELD_MISSING', loc(2));
  if (hasValue) checkObservationValue(seg, type, loc, at);
  for (const c of CODED_TRIPLETS) {
    const unit = seg.get(6, 1, c);
    if (seg.get(6, 1, c + 2) !== 'UCUM') continue;
    if (!(options.ucum ?? defaultUcum()).isValidUnit(unit)) at('CDT_HL7_INVALID_UCUM_UNIT', loc(6, 1, c));
  }
  const status = seg.get(11);
  if (status !== '' && !RESULT_STATUSES.has(status)) at('CDT_HL7_INVALID_RESULT_STATUS', loc(11));
}

/** OBX-5 must match OBX-2 for the types whose format we can check (v2.5 §7.4.2.5). */
function checkObservationValue(seg: Hl7Segment, type: string, loc: Locate, at: Report): void {
  const reps = seg.repetitions(5);
  for (let r = 1; r <= reps.length; r++) {
    if (reps[r - 1] === '' || reps[r - 1] === '""') continue;
    if (type === 'NM') {
      // Instruments pad numbers with spaces; the number is still unambiguous.
      if (!isValidNm(seg.get(5, r).trim())) at('CDT_HL7_INVALID_NUMBER', loc(5, r));
    } else if (type === 'SN') {
      const bad = findSnError(seg.components(5, r));
      if (bad !== 0) at('CDT_HL7_INVALID_NUMBER', loc(5, r, bad));
    } else if (type === 'DT') {
      if (!isValidDt(seg.get(5, r))) at('CDT_HL7_INVALID_TIMESTAMP', loc(5, r));
    } else if (type === 'DTM' || type === 'TS') {
      if (!isValidDtm(seg.get(5, r, 1))) at('CDT_HL7_INVALID_TIMESTAMP', loc(5, r));
    }
  }
}

let sharedUcum: UcumValidator | undefined;

/**
 * Used when the caller passes no validator. ucum-lhc keeps its tables process-wide already, so
 * one memo beside them costs nothing extra and saves every caller from wiring one.
 */
function defaultUcum(): UcumValidator {
  return (sharedUcum ??= createUcumValidator());
}

/** The acknowledgment code a refusal carries (catalog field ack): AR for "will not take". */
export function ackCodeForIssue(issue: ValidationIssue): 'AE' | 'AR' {
  return getCatalogEntry(issue.code).ack;
}
