import { provisionTopics, type createKafkaClient, type ProvisionReport } from '@conduit/bus';
import { subscriberTopic } from '@conduit/events';
import type { SubscriberContract } from '@conduit/projection';

type Kafka = ReturnType<typeof createKafkaClient>;

const DEFAULT_RETENTION_MS = 604800000;

/** Pull is the default channel: a contract has its topic unless it names only a webhook. */
export function hasPullChannel(contract: SubscriberContract): boolean {
  return contract.channels.kafka !== undefined || contract.channels.webhook === undefined;
}

/** Creates (or brings up to date) each pull subscriber's topic with its contract's retention. */
export async function provisionSubscriberTopics(kafka: Kafka, contracts: readonly SubscriberContract[], partitions: number): Promise<ProvisionReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await provisionTopics(admin, contracts.filter(hasPullChannel).map((c) => ({
      name: subscriberTopic(c.id),
      partitions,
      replicationFactor: -1,
      configs: { 'retention.ms': String(c.channels.kafka?.retentionMs ?? DEFAULT_RETENTION_MS), 'cleanup.policy': 'delete' },
    })));
  } finally {
    await admin.disconnect();
  }
}
