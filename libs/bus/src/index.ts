export { createKafkaClient, parseBrokerList, type KafkaClientOptions } from './kafka-client.ts';
export { createPublisher, type Publisher, type PublisherOptions, type BusRecord } from './publisher.ts';
export { encodeHeaders, decodeHeaders, type EnvelopeHeaders } from './headers.ts';
export { deriveEventId, newTraceparent } from './event-id.ts';
export { provisionTopics, type TopicSpec, type ProvisionReport } from './topics.ts';
export { waitForCluster } from './admin.ts';
export { runStage, type StageOptions, type StageHandler, type DeadLetterFactory, type InboundRecord, type RunningStage } from './stage-runner.ts';
export { readTopicUntil, type ReadRecord } from './read-topic.ts';
