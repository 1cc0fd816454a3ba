import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisClient, inspectRedisPersistence } from '@conduit/queue';
import { main } from './main.ts';

const contracts = join(import.meta.dirname, '../../../deploy/demo/contracts');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

test('fanout refuses to start against a Redis without persistence unless the development flag allows it', async (t) => {
  const redis = createRedisClient({ url: redisUrl, connectionName: 'conduit-test', mode: 'fail-fast' });
  const { aof } = await inspectRedisPersistence(redis);
  redis.disconnect();
  if (aof) return t.skip('this Redis has AOF on: nothing to refuse');
  await assert.rejects(
    main({ CONDUIT_CONTRACTS_DIR: contracts, REDIS_URL: redisUrl, KAFKA_BROKERS: '127.0.0.1:1', CONDUIT_LOG_LEVEL: 'silent' }),
    (e: Error & { code?: string }) => e.code === 'CDT_REDIS_NOT_DURABLE' && /CONDUIT_REDIS_ALLOW_NO_PERSISTENCE/.test(e.message),
  );
});

test('a webhook secret the environment lacks stops start-up naming the variable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-fanout-'));
  writeFileSync(join(dir, 'hook.json'), JSON.stringify({
    id: 'hook-sub', version: '1', owner: 't', purposeOfUse: 'TREAT', events: {}, projection: { allow: { Patient: ['gender'] } },
    channels: { webhook: { url: 'https://receiver.example.org/hook', secretRef: 'HOOK_SUB_KEY' } },
  }));
  await assert.rejects(main({ CONDUIT_CONTRACTS_DIR: dir, REDIS_URL: redisUrl, CONDUIT_LOG_LEVEL: 'silent' }), /HOOK_SUB_KEY or HOOK_SUB_KEY_FILE: required secret is not set/);
});
