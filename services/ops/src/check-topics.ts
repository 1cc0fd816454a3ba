import { ConduitError } from '@conduit/errors';
import type { KafkaClient } from './kafka-client.ts';

/** Nothing relies on auto-create: a missing topic stops start-up with its name and the fix. */
export async function assertTopicsExist(kafka: KafkaClient, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) throw new ConduitError('CDT_CONFIG_INVALID', `topics missing: ${missing.join(', ')} (declare them in deploy/kafka/topics.json and run npm run topics)`);
  } finally {
    await admin.disconnect();
  }
}
