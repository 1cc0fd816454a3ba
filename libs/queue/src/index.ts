export { createDedupeStore, type DedupeStore, type DedupeStoreOptions, type DedupeClaim } from './dedupe-store.ts';
export { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client.ts';
export { assertRedisDurable, inspectRedisPersistence, type RedisPersistence } from './redis-durability.ts';
export {
  createFanoutStore,
  type FanoutStore,
  type AssignRequest,
  type Assignment,
  type DeliveryFields,
  type StoredDelivery,
  type BeginResult,
  type SettleOutcome,
} from './fanout-store.ts';
export { fanoutKeys, type FanoutKeys } from './fanout-keys.ts';
export { createLaneQueue, type LaneQueue, type LaneQueueOptions, type LaneQueueListener, type AttemptOutcome, type DeliveryFailure } from './lane-queue.ts';
export { readDeliveryState, readQueueDepth, deliveryIdFor, type DeliveryState, type DeliveryStatus } from './delivery-state.ts';
export { retryDelayMs, toRateLimiter, type BackoffPolicy } from './retry-policy.ts';
export {
  signWebhook,
  verifyWebhookSignature,
  computeWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookVerification,
  type WebhookSecret,
  type VerifyWebhookOptions,
} from './webhook-signature.ts';
export { opsKeys, type OpsKeys } from './ops-keys.ts';
export { createRedisDataKeyStore } from './data-key-store.ts';
export { createDlqIndexStore, type DlqIndexStore, type DlqIndexStoreOptions, type DlqIndexEntry, type DlqFilter, type DlqPage, type DlqRemoval } from './dlq-index-store.ts';
export { createReplayStore, type ReplayStore, type StoredReplay, type ReplayStatus, type ReplayCounts } from './replay-store.ts';
export { startRecurringJob, startJobRunner, type RecurringJob, type RecurringJobOptions, type JobRunner, type JobRunnerOptions, type JobOutcome } from './ops-jobs.ts';
export { createPurgeLog, type PurgeLog } from './purge-log.ts';
