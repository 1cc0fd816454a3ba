import type { FhirValidator } from './fhir-validator.ts';
import type { IdentifierSystemTable } from './identifier-systems.ts';

export interface MappingContext {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly listener: string;
  /** Key for the patient key (HMAC of assigning authority + MRN). */
  readonly patientKeySecret: Buffer;
  /** Set when the raw record is being replayed; carried into the event. */
  readonly replayId?: string;
  /** Assigning authorities / facilities → identifier system URIs; wins over data/identifier-systems.json. */
  readonly identifierSystems?: IdentifierSystemTable;
  /** IANA time zone of the sender, for HL7 times without an offset (MSH[Bundle]: "local config"). Default UTC. */
  readonly timeZone?: string;
  /** The validator every bundle passes before it is returned; default: one created on first use and shared. */
  readonly validator?: FhirValidator;
}

/** Version of the mapping rules, stamped on every event and its transformation Provenance. */
export const MAPPING_VERSION = '1.0.0';
