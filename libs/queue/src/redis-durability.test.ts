import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '@conduit/log';
import { assertRedisDurable, createRedisClient, inspectRedisPersistence, type RedisClient } from './index.ts';

function fakeRedis(aof: '0' | '1', policy: string, save: string): RedisClient {
  const info = (section: string) =>
    Promise.resolve(section === 'persistence' ? `# Persistence\r\nloading:0\r\naof_enabled:${aof}\r\n` : `# Memory\r\nmaxmemory_policy:${policy}\r\n`);
  return { info, config: () => Promise.resolve(['save', save]) } as unknown as RedisClient;
}

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { lines, logger: createLogger({ name: 'test', level: 'warn', destination }) };
}

test('fanout refuses a Redis without AOF, or with an evicting policy, unless the development flag allows it', async () => {
  const { lines, logger } = capture();
  await assert.rejects(assertRedisDurable(fakeRedis('0', 'noeviction', ''), { allowNoPersistence: false, logger }), (e: Error & { code?: string }) =>
    e.code === 'CDT_REDIS_NOT_DURABLE' && /appendonly is off/.test(e.message) && /CONDUIT_REDIS_ALLOW_NO_PERSISTENCE/.test(e.message));
  await assert.rejects(assertRedisDurable(fakeRedis('0', 'noeviction', '3600 1'), { allowNoPersistence: false, logger }), /RDB snapshots alone would roll sequence numbers back/);
  await assert.rejects(assertRedisDurable(fakeRedis('1', 'allkeys-lru', ''), { allowNoPersistence: false, logger }), /maxmemory-policy is allkeys-lru/);
  assert.deepEqual(await assertRedisDurable(fakeRedis('1', 'noeviction', ''), { allowNoPersistence: false, logger }), { aof: true, rdb: false, maxmemoryPolicy: 'noeviction' });
  assert.equal(lines.length, 0);
  await assertRedisDurable(fakeRedis('0', 'noeviction', ''), { allowNoPersistence: true, logger });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /CDT_REDIS_NOT_DURABLE/);
});

test('the real Redis reports the persistence its CONFIG says', async () => {
  const redis = createRedisClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', connectionName: 'conduit-test', mode: 'fail-fast' });
  try {
    const p = await inspectRedisPersistence(redis);
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    assert.equal(p.aof, appendonly === 'yes');
    assert.equal(typeof p.maxmemoryPolicy, 'string');
  } finally {
    redis.disconnect();
  }
});
