import kafkajs, { type Kafka } from 'kafkajs';

// kafkajs is CommonJS and Node's named-export detection misses ConfigResourceTypes.
const { ConfigResourceTypes } = kafkajs;

/** The current values of some of a topic's configs (e.g. retention.ms, segment.ms), as the broker reports them. */
export async function describeTopicConfig(kafka: Kafka, topic: string, names: readonly string[]): Promise<Record<string, string | null>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...names] }] });
    const entries = described.resources[0]?.configEntries ?? [];
    return Object.fromEntries(names.map((n) => [n, entries.find((e) => e.configName === n)?.configValue ?? null]));
  } finally {
    await admin.disconnect();
  }
}
