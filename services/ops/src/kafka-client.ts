import type { createKafkaClient } from '@conduit/bus';

/** The Kafka client libs/bus creates; named here so ops code never imports kafkajs itself. */
export type KafkaClient = ReturnType<typeof createKafkaClient>;
