export { Topics, SchemaIds, MAX_RECORD_BYTES, jsonSurelyWithin, subscriberTopic } from './topics.ts';
export type { RawMessageRecord, CanonicalEvent, CanonicalEventType, ProjectedEvent, DlqRecord, PipelineStage } from './types.ts';
export { createRecordValidators, decodeRecord, assertValid, type RecordValidators } from './validators.ts';
export { deadLetterFor, sealedPayloadFitsDlq, type DeadLetterOptions } from './dead-letter.ts';
export {
  createPayloadSealer,
  openSealedPayload,
  sealWithKey,
  openWithKey,
  sealedKeyId,
  newDataKeyId,
  type DataKeyStore,
  type PayloadSealer,
  type SealedPayload,
} from './payload-seal.ts';
export { parseDlqTtls, type DlqTtls } from './dlq-ttl.ts';
