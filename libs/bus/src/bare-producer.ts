import { Partitioners, CompressionTypes, type Kafka } from 'kafkajs';

/**
 * kafkajs with the publishers' settings (idempotent, acks=-1, one request in flight, no
 * compression) and nothing else: one send per call, no batching queue. Benchmarks use it as the
 * reference a service's own write path is measured against.
 */
export interface BareProducer {
  send(topic: string, key: string | null, value: string, headers?: Readonly<Record<string, string>>): Promise<void>;
  disconnect(): Promise<void>;
}

export async function createBareProducer(kafka: Kafka, options: { timeoutMs?: number } = {}): Promise<BareProducer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const timeout = options.timeoutMs ?? 5000;
  return {
    async send(topic, key, value, headers) {
      await producer.send({ topic, acks: -1, timeout, compression: CompressionTypes.None, messages: [{ key, value, ...(headers ? { headers: { ...headers } } : {}) }] });
    },
    disconnect: () => producer.disconnect(),
  };
}
