// Usage: npm run kafka -- start|stop|status|reset   (reset also clears the development Redis keys, conduit:*)
import { createRedisClient } from '@conduit/queue';
import { devBroker } from './lib/kafka-broker.ts';
import { defaultRedisUrl } from './lib/redis-server.ts';

/**
 * The development Redis state that describes the broker's data (ingest's duplicate window, fanout's
 * sequence numbers, ops's DLQ index and replays): kept after a reset, it would answer AA to a
 * re-sent demo message without publishing it, and list dead letters that no longer exist.
 */
async function clearDevRedisState(): Promise<number> {
  const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? defaultRedisUrl, connectionName: 'conduit-kafka-reset', mode: 'fail-fast' });
  try {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'conduit:*', 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

const command = process.argv[2] ?? 'status';
switch (command) {
  case 'start':
    console.log(`kafka: ${await devBroker.start()} at ${devBroker.address} (log: ${devBroker.logFile})`);
    break;
  case 'stop':
    console.log((await devBroker.stop()) ? 'kafka: stopped' : 'kafka: was not running');
    break;
  case 'status': {
    const s = await devBroker.status();
    console.log(`kafka: ${s.pid !== null ? `running, pid ${s.pid}` : 'not started by this project'}; ${devBroker.address} ${s.listening ? 'accepts connections' : 'closed'} (log: ${devBroker.logFile})`);
    break;
  }
  case 'reset':
    await devBroker.reset();
    console.log('kafka: stopped and data removed; `npm run kafka -- start` formats fresh storage');
    console.log(`redis: ${await clearDevRedisState().then((n) => `${n} development keys (conduit:*) removed`, (err: unknown) => `not cleared (${(err as Error).message})`)}`);
    break;
  default:
    console.error(`kafka: unknown command "${command}"; use start | stop | status | reset`);
    process.exit(2);
}
