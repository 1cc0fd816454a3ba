/*
 * Patient-side vocabulary maps of the HL7 v2-to-FHIR IG (mappings/codesystems, "F-R4" rows
 * only: codes the IG marks R5/R6-only are left out, this engine emits R4).
 */

/** PID-8, NK1-15 → Patient.gender. ConceptMap table-hl70001-to-administrative-gender. */
export const ADMINISTRATIVE_SEX = { F: 'female', M: 'male', O: 'other', U: 'unknown', A: 'other', N: 'other' } as const;

/** XPN.7 → HumanName.use. ConceptMap table-hl70200-to-name-use (NameType sheet). */
export const NAME_TYPE = {
  L: 'official', R: 'official', D: 'usual', M: 'maiden', N: 'nickname', NAV: 'temp', TEMP: 'temp', BAD: 'old', MSK: 'anonymous',
} as const;

/** XAD.7 → Address.use. ConceptMap table-hl70190-to-address-use (AddressType[Use]). */
export const ADDRESS_USE = { H: 'home', B: 'work', O: 'work', C: 'temp', BI: 'billing', BA: 'old' } as const;

/** XAD.7 → Address.type. ConceptMap table-hl70190-to-address-type (AddressType[Type]). */
export const ADDRESS_TYPE = { M: 'postal', SH: 'physical' } as const;

/** XTN.2 → ContactPoint.use. ConceptMap table-hl70201-to-contact-point-use (TelecommunicationUseCode). */
export const TELECOM_USE = { PRN: 'home', WPN: 'work', PRS: 'mobile' } as const;

/**
 * XTN.3 → ContactPoint.system (+ use). ConceptMap table-hl70202-to-contact-point-system
 * (TelecommunicationEquipmentType); CP is a cellular phone: system phone, use mobile.
 */
export const TELECOM_EQUIPMENT = {
  PH: { system: 'phone' }, FX: { system: 'fax' }, BP: { system: 'pager' }, Internet: { system: 'email' }, 'X.400': { system: 'email' },
  MD: { system: 'other' }, SAT: { system: 'other' }, TDD: { system: 'other' }, TTY: { system: 'other' },
  CP: { system: 'phone', use: 'mobile' },
} as const;

/** PID-16 → Patient.maritalStatus. ConceptMap table-hl70002-to-v3-maritalstatus (MaritalStatus). */
export const MARITAL_STATUS = {
  A: ['v3-MaritalStatus', 'L', 'Legally Separated'], D: ['v3-MaritalStatus', 'D', 'Divorced'], M: ['v3-MaritalStatus', 'M', 'Married'],
  S: ['v3-MaritalStatus', 'S', 'Never Married'], W: ['v3-MaritalStatus', 'W', 'Widowed'], C: ['v3-MaritalStatus', 'C', 'Common Law'],
  G: ['v3-MaritalStatus', 'T', 'Domestic partner'], P: ['v3-MaritalStatus', 'T', 'Domestic partner'], R: ['v3-MaritalStatus', 'T', 'Domestic partner'],
  E: ['v3-MaritalStatus', 'L', 'Legally Separated'], N: ['v3-MaritalStatus', 'A', 'Annulled'], I: ['v3-MaritalStatus', 'I', 'Interlocutory'],
  B: ['v3-MaritalStatus', 'U', 'unmarried'], U: ['v3-NullFlavor', 'UNK', 'Unknown'], O: ['v3-NullFlavor', 'OTH', 'Other'],
  T: ['v3-NullFlavor', 'NAVU', 'Not available'],
} as const;

/**
 * NK1-3, IN1-17 (table 0063) → relationship. ConceptMap table-hl70063-to-v3-rolecode
 * (Relationship sheet): v3 RoleCode, else the same code in v2-0063, else v2-0131 contact role.
 */
export const RELATIONSHIP = {
  SEL: ['v3-RoleCode', 'ONESELF'], SPO: ['v3-RoleCode', 'SPS'], DOM: ['v3-RoleCode', 'SIGOTHR'], CHD: ['v3-RoleCode', 'CHILD'],
  GCH: ['v3-RoleCode', 'GRNDCHILD'], NCH: ['v3-RoleCode', 'NCHILD'], SCH: ['v3-RoleCode', 'STPCHLD'], FCH: ['v3-RoleCode', 'CHLDFOST'],
  PAR: ['v3-RoleCode', 'PRN'], MTH: ['v3-RoleCode', 'MTH'], FTH: ['v3-RoleCode', 'FTH'], GRP: ['v3-RoleCode', 'GRPRN'],
  EXF: ['v3-RoleCode', 'EXT'], SIB: ['v3-RoleCode', 'SIB'], BRO: ['v3-RoleCode', 'BRO'], SIS: ['v3-RoleCode', 'SIS'], FND: ['v3-RoleCode', 'FRND'],
  DEP: ['v2-0063', 'DEP'], WRD: ['v2-0063', 'WRD'], CGV: ['v2-0063', 'CGV'], GRD: ['v2-0063', 'GRD'], OAD: ['v2-0063', 'OAD'],
  EME: ['v2-0063', 'EME'], ASC: ['v2-0063', 'ASC'], OWN: ['v2-0063', 'OWN'], TRA: ['v2-0063', 'TRA'], MGR: ['v2-0063', 'MGR'], NON: ['v2-0063', 'NON'],
  EMR: ['v2-0131', 'E'], EMC: ['v2-0131', 'C'], UNK: ['v2-0131', 'U'], OTH: ['v2-0131', 'O'],
} as const;

/** NK1-3.1 codes for which the ADT_A01 message map creates no RelatedPerson (only Patient.contact). */
export const NOT_RELATED_PERSON: ReadonlySet<string> = new Set(['EMR', 'E', 'F', 'I', 'S']);

/** IN1-17 (0063) → Coverage.relationship (subscriber-relationship); unlisted codes map to `other`. */
export const SUBSCRIBER_RELATIONSHIP = {
  SEL: 'self', SPO: 'spouse', DOM: 'common', CHD: 'child', PAR: 'parent', MTH: 'parent', FTH: 'parent',
} as const;

/**
 * PID-10 / PID-22 → US Core race / ethnicity (US realm choice; the IG gives no universal map).
 * OMB categories of the CDC Race & Ethnicity code system; HL7 table 0189 letters map onto them.
 */
export const OMB_RACE: Readonly<Record<string, string>> = {
  '1002-5': 'American Indian or Alaska Native', '2028-9': 'Asian', '2054-5': 'Black or African American',
  '2076-8': 'Native Hawaiian or Other Pacific Islander', '2106-3': 'White',
};
export const OMB_ETHNICITY: Readonly<Record<string, string>> = { '2135-2': 'Hispanic or Latino', '2186-5': 'Not Hispanic or Latino' };
export const ETHNIC_GROUP_0189 = { H: '2135-2', N: '2186-5' } as const;
export const CDC_RACE_CODE = /^\d{4}-\d$/;
export const NULL_FLAVORS = { UNK: 'Unknown', ASKU: 'Asked but no answer', U: 'Unknown' } as const;
