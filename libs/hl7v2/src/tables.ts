/*
 * HL7 tables the edge validator checks against, as data. Values are the union of v2.3 to v2.8:
 * a code added in a later version is accepted from every sender, since v2 receivers are told to
 * ignore what they do not know rather than refuse it (v2.5 chapter 2, message construction rules).
 */

/**
 * Table 0125, value type of OBX-5. v2.5 §7.4.2.2: "all HL7 data types are valid … except CM, CQ,
 * SI and ID", so this is the v2.3–v2.8 data type list minus those four.
 */
export const VALUE_TYPES: ReadonlySet<string> = new Set([
  'AD', 'AUI', 'CCD', 'CCP', 'CD', 'CE', 'CF', 'CK', 'CN', 'CNE', 'CNN', 'CP', 'CSU', 'CWE', 'CX',
  'DDI', 'DIN', 'DLD', 'DLN', 'DLT', 'DR', 'DT', 'DTM', 'DTN', 'ED', 'EI', 'EIP', 'ELD', 'ERL', 'FC',
  'FN', 'FT', 'GTS', 'HD', 'ICD', 'IS', 'JCC', 'LA1', 'LA2', 'MA', 'MO', 'MOC', 'MOP', 'MSG', 'NA', 'NDL',
  'NM', 'NR', 'OCD', 'OSD', 'OSP', 'PIP', 'PL', 'PLN', 'PN', 'PPN', 'PRL', 'PT', 'PTA', 'QIP', 'QSC',
  'RCD', 'RFR', 'RI', 'RMC', 'RP', 'RPT', 'SAD', 'SCV', 'SN', 'SPD', 'SPS', 'SRT', 'ST', 'TM', 'TN',
  'TQ', 'TS', 'TX', 'UVC', 'VH', 'VID', 'VR', 'WVI', 'WVS', 'XAD', 'XCN', 'XON', 'XPN', 'XTN',
]);

/** Table 0085, observation result status (OBX-11); A and B were added in v2.8. */
export const RESULT_STATUSES: ReadonlySet<string> = new Set(['A', 'B', 'C', 'D', 'F', 'I', 'N', 'O', 'P', 'R', 'S', 'U', 'W', 'X']);

/** Table 0103, processing ID (MSH-11.1): production, debugging, training. */
export const PROCESSING_IDS: readonly string[] = ['P', 'D', 'T'];

/** Table 0104 values this engine reads (MSH-12.1). */
export const SUPPORTED_VERSIONS: readonly string[] = ['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.1', '2.8.2'];

/** Table 0357 texts for ERR-3.2, keyed by code. */
export const ERROR_CONDITIONS: Readonly<Record<string, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};
