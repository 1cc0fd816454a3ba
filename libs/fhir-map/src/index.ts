export { mapToCanonical, type MappingContext } from './map-message.ts';
export { deriveResourceId } from './resource-id.ts';
