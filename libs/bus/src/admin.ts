import type { Kafka } from 'kafkajs';

/** Polls the cluster until it answers describeCluster, or gives up after `timeoutMs`. */
export async function waitForCluster(kafka: Kafka, timeoutMs: number): Promise<{ brokers: number; controller: number | null }> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  throw new Error(`Kafka did not answer within ${timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? 'no answer'}`);
}
