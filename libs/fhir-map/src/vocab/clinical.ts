/* Clinical and result vocabulary maps of the HL7 v2-to-FHIR IG (mappings/codesystems, F-R4 rows). */

/** AL1-2 (table 0127) → AllergyIntolerance.category / type. AllergenType sheets. */
export const ALLERGEN_TYPE = {
  DA: { category: 'medication', type: 'allergy' }, FA: { category: 'food', type: 'allergy' },
  EA: { category: 'environment', type: 'allergy' }, PA: { category: 'environment', type: 'allergy' },
  LA: { category: 'environment', type: 'allergy' }, AA: { category: 'biologic', type: 'allergy' },
  MA: { type: 'allergy' },
} as const;

/** AL1-4 (table 0128) → AllergyIntolerance.criticality. AllergySeverity[AllergyIntolerance.criticality]. */
export const ALLERGY_CRITICALITY = { SV: 'high', MI: 'low' } as const;

/** AL1-4 (table 0128) → AllergyIntolerance.reaction.severity. AllergySeverity[AllergyIntolerance.reaction.severity]. */
export const ALLERGY_REACTION_SEVERITY = { SV: 'severe', MO: 'moderate', MI: 'mild' } as const;

/**
 * OBX-11 (table 0085) → Observation.status. ConceptMap table-hl70085-to-observation-status for
 * F P C A D W X; the R4 column leaves B I N O R S U V empty and the later sheet's answers
 * (appended, specimen-in-process, not-asked) are R5 codes, so Conduit adds its own R4 policy
 * (a local extension of the IG map): I/O → registered, R/S → preliminary, U/V → final,
 * B → amended, N → cancelled with dataAbsentReason not-asked (R4 `cancelled`: "not started").
 */
export const OBSERVATION_RESULT_STATUS = {
  F: 'final', P: 'preliminary', C: 'corrected', A: 'amended', D: 'entered-in-error', W: 'entered-in-error', X: 'cancelled',
  I: 'registered', O: 'registered', R: 'preliminary', S: 'preliminary', U: 'final', V: 'final', B: 'amended', N: 'cancelled',
} as const;

/** OBX-11 codes that carry a dataAbsentReason (OBX[Observation] sheet, OBX-11 rows). */
export const RESULT_STATUS_ABSENT_REASON = { X: 'cannot-be-obtained', N: 'not-asked' } as const;

/**
 * OBR-25 (table 0123) → DiagnosticReport.status. ConceptMap table-hl70123-to-diagnostic-report-status
 * (ResultStatus[Non-Queries]); A, M, N, Y, Z are unmapped ("IF NOT MAPPED ERROR").
 */
export const REPORT_STATUS = {
  O: 'registered', I: 'registered', S: 'registered', P: 'preliminary', R: 'partial', C: 'corrected', F: 'final', X: 'cancelled',
} as const;

/** OBX-8 (table 0078) codes carried unchanged into v3-ObservationInterpretation (InterpretationCodes sheet). */
export const INTERPRETATION_CODES: ReadonlySet<string> = new Set([
  '<', '>', 'A', 'AA', 'B', 'CAR', 'D', 'DET', 'E', 'EX', 'EXP', 'H', 'HH', 'HU', 'I', 'IE', 'IND', 'L', 'LL', 'LU', 'N', 'NCL', 'ND',
  'NEG', 'NR', 'NS', 'POS', 'R', 'RR', 'S', 'SDD', 'SYN-R', 'SYN-S', 'U', 'UNE', 'W', 'WR', 'MS', 'VS',
]);

/** ORC-5 (table 0038) → ServiceRequest.status (OrderStatus sheet). */
export const ORDER_STATUS = {
  CA: 'revoked', CM: 'completed', DC: 'revoked', ER: 'entered-in-error', HD: 'on-hold', IP: 'active', RP: 'revoked', SC: 'active',
} as const;

/** ORC-1 (table 0119) → ServiceRequest.status when ORC-5 is empty (OrderControlCode[ServiceRequest.status]). */
export const ORDER_CONTROL_STATUS = {
  NW: 'active', OK: 'active', CA: 'active', HD: 'active', RL: 'active', RO: 'active', RQ: 'active', PR: 'active', PY: 'active', AF: 'active',
  CR: 'revoked', DC: 'revoked', DF: 'revoked', DR: 'revoked', OC: 'revoked', OD: 'revoked', FU: 'completed', HR: 'on-hold', OH: 'on-hold',
} as const;

/** SN.1 comparators that R4 Quantity.comparator can hold (SN[Quantity]). */
export const QUANTITY_COMPARATORS = { '<': '<', '>': '>', '<=': '<=', '>=': '>=' } as const;

/** ED.2 / RP.3 (table 0191 type of data) → MIME top-level type, for Attachment.contentType. */
export const DATA_TYPE_MIME = {
  AP: 'application', SD: 'application', AU: 'audio', FT: 'text', TEXT: 'text', TX: 'text', IM: 'image', NS: 'image', SI: 'image',
  MULTIPART: 'multipart',
} as const;

/**
 * Table 0125, OBX-2 value types: v2.5 §7.4.2.2 "all HL7 data types are valid … except CM, CQ, SI
 * and ID", over v2.3–v2.8 (the same list the edge validator in @conduit/hl7v2 accepts).
 */
export const VALUE_TYPES: ReadonlySet<string> = new Set([
  'AD', 'AUI', 'CCD', 'CCP', 'CD', 'CE', 'CF', 'CK', 'CN', 'CNE', 'CNN', 'CP', 'CSU', 'CWE', 'CX',
  'DDI', 'DIN', 'DLD', 'DLN', 'DLT', 'DR', 'DT', 'DTM', 'DTN', 'ED', 'EI', 'EIP', 'ELD', 'ERL', 'FC',
  'FN', 'FT', 'GTS', 'HD', 'ICD', 'IS', 'JCC', 'LA1', 'LA2', 'MA', 'MO', 'MOC', 'MOP', 'MSG', 'NA', 'NDL',
  'NM', 'NR', 'OCD', 'OSD', 'OSP', 'PIP', 'PL', 'PLN', 'PN', 'PPN', 'PRL', 'PT', 'PTA', 'QIP', 'QSC',
  'RCD', 'RFR', 'RI', 'RMC', 'RP', 'RPT', 'SAD', 'SCV', 'SN', 'SPD', 'SPS', 'SRT', 'ST', 'TM', 'TN',
  'TQ', 'TS', 'TX', 'UVC', 'VH', 'VID', 'VR', 'WVI', 'WVS', 'XAD', 'XCN', 'XON', 'XPN', 'XTN',
]);
