export { mapToCanonical, defaultFhirValidator, type MappingContext } from './map-message.ts';
export { MAPPING_VERSION } from './mapping-context.ts';
export { createFhirValidator, type FhirValidator, type FhirIssue } from './fhir-validator.ts';
export { EMITTED_RESOURCE_TYPES } from './structure-definitions.ts';
export { DEFAULT_IDENTIFIER_SYSTEMS, FALLBACK_SYSTEM_PREFIX, type IdentifierSystemTable } from './identifier-systems.ts';
export { codingSystemUri } from './code-systems.ts';
export { TRIGGER_EVENTS, type TriggerEvent, type EncounterRule } from './events.ts';
export { deriveResourceId } from './resource-id.ts';
export type { UnmappedPath } from './mapping-report.ts';
