/* Encounter vocabulary maps of the HL7 v2-to-FHIR IG (mappings/codesystems, F-R4 rows). */

/** PV1-2 → Encounter.class. ConceptMap table-hl70004-to-v3-actcode (PatientClass[EncounterClass]). */
export const PATIENT_CLASS = {
  E: ['v3-ActCode', 'EMER', 'emergency'], I: ['v3-ActCode', 'IMP', 'inpatient encounter'], O: ['v3-ActCode', 'AMB', 'ambulatory'],
  P: ['v3-ActCode', 'PRENC', 'pre-admission'], R: ['v2-0004', 'R', 'Recurring patient'], B: ['v2-0004', 'B', 'Obstetrics'],
  C: ['v2-0004', 'C', 'Commercial Account'], N: ['v2-0004', 'N', 'Not Applicable'], U: ['v2-0004', 'U', 'Unknown'],
} as const;

/** PV1-2 → Encounter.status when PV1-45 is empty. ConceptMap PatientClass[EncounterStatus]. */
export const PATIENT_CLASS_STATUS = {
  E: 'in-progress', I: 'in-progress', O: 'in-progress', R: 'in-progress', B: 'in-progress', C: 'in-progress', N: 'in-progress',
  P: 'planned', U: 'unknown',
} as const;

/**
 * PV1-10 → Encounter.serviceType. ConceptMap table-hl70069-to-service-type (HospitalService):
 * MED and URO have service-type codes; the other table 0069 codes stay in v2-0069.
 */
export const HOSPITAL_SERVICE = {
  MED: ['http://terminology.hl7.org/CodeSystem/service-type', '382', 'Medical Services'],
  URO: ['http://terminology.hl7.org/CodeSystem/service-type', '222', 'Urology'],
  SUR: ['http://terminology.hl7.org/CodeSystem/v2-0069', 'SUR', 'Surgical Service'],
  PUL: ['http://terminology.hl7.org/CodeSystem/v2-0069', 'PUL', 'Pulmonary Service'],
  CAR: ['http://terminology.hl7.org/CodeSystem/v2-0069', 'CAR', 'Cardiac Service'],
} as const;

/** Encounter participants from PV1 (PV1[Encounter] sheet); system v3-ParticipationType. */
export const PV1_PARTICIPANTS = [
  { field: 7, code: 'ATND', display: 'attender' },
  { field: 8, code: 'REF', display: 'referrer' },
  { field: 9, code: 'CON', display: 'consultant' },
  { field: 17, code: 'ADM', display: 'admitter' },
  { field: 52, code: 'PART', display: 'Participation' },
] as const;

/** ROL-3 (table 0443 provider role) → v3-ParticipationType, for Encounter.participant (ROL[Encounter-PractitionerRole]). */
export const PROVIDER_ROLE = {
  AD: 'ADM', AT: 'ATND', CP: 'CON', RP: 'REF', RT: 'REFT', PP: 'PPRF', PCP: 'PPRF', FHCP: 'PPRF',
} as const;

/** ROL-3 roles that name the patient's primary care provider (ROL[Patient-GeneralPractitioner]). */
export const PRIMARY_CARE_ROLES: ReadonlySet<string> = new Set(['PP', 'PCP', 'FHCP']);

/** DG1-6 (table 0052) → Encounter.diagnosis.use (diagnosis-role), DiagnosisType sheet; W has no counterpart. */
export const DIAGNOSIS_TYPE = { A: ['AD', 'Admission diagnosis'], F: ['DD', 'Discharge diagnosis'] } as const;
