// Usage: npm run redis — makes sure a Redis answers at REDIS_URL (default 127.0.0.1:6379).
import { ensureRedis, defaultRedisUrl } from './lib/redis-server.ts';

console.log(`redis: ${await ensureRedis()} at ${process.env['REDIS_URL'] ?? defaultRedisUrl}`);
