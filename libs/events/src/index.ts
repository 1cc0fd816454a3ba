export { Topics, SchemaIds, subscriberTopic } from './topics.ts';
export type { RawMessageRecord, CanonicalEvent, CanonicalEventType, ProjectedEvent, DlqRecord, PipelineStage } from './types.ts';
export { createRecordValidators, decodeRecord, assertValid, type RecordValidators } from './validators.ts';
export { deadLetterFor } from './dead-letter.ts';
