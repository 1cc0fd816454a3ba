/*
 * HL7 table 0396 coding system names → FHIR code system URIs (the HL7 terminology naming
 * system table, terminology.hl7.org "External code systems"; the IG's CWE[CodeableConcept]
 * sheet sends CWE.3/6/12 through it). Keys are upper case. US realm: ICD-10 names resolve to
 * ICD-10-CM, as Conduit's feeds are US feeds.
 */
export const CODING_SYSTEMS = {
  LN: 'http://loinc.org',
  LOINC: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  SNM3: 'http://snomed.info/sct',
  SNOMED: 'http://snomed.info/sct',
  SNOMEDCT: 'http://snomed.info/sct',
  UCUM: 'http://unitsofmeasure.org',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  RXN: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  I10: 'http://hl7.org/fhir/sid/icd-10-cm',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICD10: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICD10CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  'ICD-10': 'http://hl7.org/fhir/sid/icd-10-cm',
  'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
  I10P: 'http://www.cms.gov/Medicare/Coding/ICD10',
  I9: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9CDX: 'http://hl7.org/fhir/sid/icd-9-cm',
  ICD9: 'http://hl7.org/fhir/sid/icd-9-cm',
  C4: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  HCPCS: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  MVX: 'http://hl7.org/fhir/sid/mvx',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  NPI: 'http://hl7.org/fhir/sid/us-npi',
  NUCC: 'http://nucc.org/provider-taxonomy',
  CDCREC: 'urn:oid:2.16.840.1.113883.6.238',
  ISO3166_1: 'urn:iso:std:iso:3166',
  ISO3166: 'urn:iso:std:iso:3166',
  ISO6391: 'urn:ietf:bcp:47',
  ISO639: 'urn:ietf:bcp:47',
  ISO6392: 'urn:iso:std:iso:639-2',
  UML: 'http://www.nlm.nih.gov/research/umls',
  UMLS: 'http://www.nlm.nih.gov/research/umls',
  HL70396: 'http://terminology.hl7.org/CodeSystem/v2-0396',
} as const satisfies Readonly<Record<string, string>>;

export const V2_TABLE_BASE = 'http://terminology.hl7.org/CodeSystem/v2-';
export const V3_BASE = 'http://terminology.hl7.org/CodeSystem/v3-';
