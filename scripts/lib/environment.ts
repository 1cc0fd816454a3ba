import { warmCompileCache } from './compile-cache.ts';
import { devBroker } from './kafka-broker.ts';
import { provisionDeclaredTopics } from './provision.ts';
import { ensureRedis } from './redis-server.ts';
import { allServiceNames } from './service-process.ts';

export interface Environment {
  readonly kafkaBrokers: string;
  readonly redisUrl: string;
  /** True when this call started the local broker (so the caller may stop it again). */
  readonly brokerStartedHere: boolean;
}

/**
 * Brings up what the engine needs: Redis, Kafka (the local broker unless KAFKA_BROKERS points
 * elsewhere), the declared topics and the compile cache the services start from. Safe to run again: every step is a no-op when done.
 */
export async function ensureEnvironment(log: (line: string) => void = console.log): Promise<Environment> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  log(`redis: ${await ensureRedis(redisUrl)} at ${redisUrl}`);
  let kafkaBrokers = process.env['KAFKA_BROKERS'];
  let brokerStartedHere = false;
  if (!kafkaBrokers) {
    const state = await devBroker.start();
    brokerStartedHere = state === 'started';
    log(`kafka: ${state} at ${devBroker.address}`);
    kafkaBrokers = devBroker.address;
  }
  const report = await provisionDeclaredTopics(kafkaBrokers);
  log(`topics: ${report.created.length} created, ${report.updated.length} updated, ${report.unchanged.length} unchanged`);
  warmCompileCache(allServiceNames);
  return { kafkaBrokers, redisUrl, brokerStartedHere };
}
