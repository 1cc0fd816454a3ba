import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openSealedPayload } from '@conduit/events';
import { metricValue } from '@conduit/metrics';
import { createRedisDataKeyStore, readDeliveryState } from '@conduit/queue';
import { main, type FanoutService } from '@conduit/service-fanout';
import { createFanoutFixture, createTestPki, eventually, startReceiver, syntheticEvent, writeContract, type FanoutFixture, type Receiver, type TestPki } from './fanout-harness.ts';

// One fanout (in-process) serves one subscriber per scenario, each with its own path on a real
// HTTP receiver that verifies every signature.
let fx: FanoutFixture;
let fanout: FanoutService;
let receiver: Receiver;
let tlsReceiver: Receiver | undefined;
let rogueReceiver: Receiver | undefined;
let pki: TestPki | undefined;
const ids = (name: string) => `${fx.run}-${name}`;
const secretFor = (name: string) => `whsec-${name}-0123456789abcdef`;
const subscribers: string[] = [];

before(async () => {
  fx = await createFanoutFixture('hook');
  pki = createTestPki();
  const secrets: Record<string, string> = {};
  for (const name of ['retry', 'gone', 'slow', 'rate', 'tls', 'rogue']) secrets[`/${name}`] = secretFor(name);
  receiver = await startReceiver({
    secrets,
    behaviours: {
      '/retry': ({ nth }) => ({ status: nth <= 2 ? 500 : 200 }),
      '/gone': () => ({ status: 410 }),
      '/slow': ({ nth }) => (nth === 1 ? { status: 200, delayMs: 1500 } : { status: 200 }),
    },
  });
  const hook = (name: string, extra: Record<string, unknown> = {}) => ({ url: `${receiver.url}/${name}`, secretRef: `HOOK_${name.toUpperCase()}_KEY`, backoffMs: 200, ...extra });
  writeContract(fx.contractsDir, ids('retry'), { webhook: hook('retry', { maxAttempts: 5, format: 'subscription-notification' }) });
  writeContract(fx.contractsDir, ids('gone'), { webhook: hook('gone', { maxAttempts: 5 }) });
  writeContract(fx.contractsDir, ids('slow'), { webhook: hook('slow', { timeoutMs: 300, maxAttempts: 3 }) });
  writeContract(fx.contractsDir, ids('rate'), { webhook: hook('rate', { concurrency: 8, rateLimit: { perSecond: 10 } }) });
  const env: Record<string, string> = {};
  for (const name of ['retry', 'gone', 'slow', 'rate', 'tls', 'rogue']) env[`HOOK_${name.toUpperCase()}_KEY`] = secretFor(name);
  if (pki) {
    tlsReceiver = await startReceiver({ secrets, tls: { ...pki.server, ca: pki.ca, requestCert: true } });
    rogueReceiver = await startReceiver({ secrets, tls: pki.rogue });
    writeContract(fx.contractsDir, ids('tls'), { webhook: { url: `${tlsReceiver.url}/tls`, secretRef: 'HOOK_TLS_KEY', clientCertificateRef: 'HOOK_TLS_CLIENT_PEM' } });
    writeContract(fx.contractsDir, ids('rogue'), { webhook: { url: `${rogueReceiver.url}/rogue`, secretRef: 'HOOK_ROGUE_KEY' } });
    env['HOOK_TLS_CLIENT_PEM_FILE'] = pki.clientPemFile;
    env['CONDUIT_WEBHOOK_CA_FILE'] = `${pki.dir}/ca.pem`;
  }
  subscribers.push(...['retry', 'gone', 'slow', 'rate', ...(pki ? ['tls', 'rogue'] : [])].map(ids));
  fanout = await main(fx.env({ ...env, CONDUIT_LOG_LEVEL: 'silent' }));
});

after(async () => {
  await fanout?.stop();
  await Promise.all([receiver?.close(), tlsReceiver?.close(), rogueReceiver?.close()]);
  await fx?.dispose(subscribers);
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

const state = (name: string, eventId: string) => readDeliveryState(fx.redis, { prefix: fx.redisPrefix, subscriber: ids(name), eventId });
/** The receiver answers before fanout records the outcome: wait (bounded) for the state to end. */
const endedState = (name: string, eventId: string) => eventually(() => state(name, eventId), (s) => s !== undefined && s.status !== 'queued');
const metricsWhen = (accept: (text: string) => boolean) => eventually(() => fanout.metrics(), accept);

test('a receiver that fails twice then succeeds gets the event exactly once marked delivered, after three attempts', async () => {
  const event = syntheticEvent(ids('retry'), 1, 1);
  await fx.produce([event]);
  await receiver.until((rs) => rs.some((r) => r.path === '/retry' && r.status === 200), 30000);
  const seen = receiver.requests.filter((r) => r.path === '/retry');
  assert.deepEqual(seen.map((r) => [r.eventId, r.attempt, r.sequence, r.status, r.signature]), [
    [event.eventId, 1, 1, 500, 'ok'], [event.eventId, 2, 1, 500, 'ok'], [event.eventId, 3, 1, 200, 'ok'],
  ]);
  // subscription-notification format: an R4 Backport history Bundle numbering the event.
  const bundle = JSON.parse(seen[2]!.body.toString()) as { type: string; entry: { resource: { resourceType: string; parameter?: { name: string; valueString?: string }[] } }[] };
  assert.equal(bundle.type, 'history');
  assert.equal(bundle.entry[0]?.resource.parameter?.find((p) => p.name === 'events-since-subscription-start')?.valueString, '1');
  assert.deepEqual(bundle.entry.slice(1).map((e) => e.resource.resourceType), ['Patient']);
  const s = await endedState('retry', event.eventId);
  assert.equal(s?.status, 'delivered');
  assert.equal(s?.attempts, 3);
  assert.equal(s?.lastResponseStatus, 200);
  assert.equal(s?.lastError, 'CDT_WEBHOOK_UNAVAILABLE');
  const metrics = await metricsWhen((m) => metricValue(m, 'conduit_fanout_delivered_total', { subscriber: ids('retry'), channel: 'webhook' }) === 1);
  assert.equal(metricValue(metrics, 'conduit_fanout_retried_total', { subscriber: ids('retry'), code: 'CDT_WEBHOOK_UNAVAILABLE' }), 2);
  assert.equal(metricValue(metrics, 'conduit_fanout_delivered_total', { subscriber: ids('retry'), channel: 'webhook' }), 1);
  assert.equal(metricValue(metrics, 'conduit_fanout_queue_depth', { subscriber: ids('retry') }), 0);
});

test('a receiver that answers 410 sends the event to the DLQ at once, with the code and last status', async () => {
  const event = syntheticEvent(ids('gone'), 1, 2);
  await fx.produce([event]);
  const [dlq] = await fx.readDlq(1);
  assert.equal(receiver.requests.filter((r) => r.path === '/gone').length, 1);
  assert.deepEqual({ ...dlq, firstFailureAt: undefined, lastFailureAt: undefined, payload: undefined, source: undefined }, {
    stage: 'fanout', errorCode: 'CDT_WEBHOOK_REJECTED', errorDetail: `webhook delivery to ${ids('gone')} given up after 1 attempt(s); last HTTP status 410`,
    attempts: 1, sourceEventId: event.eventId, subscriber: ids('gone'), lastResponseStatus: 410,
    firstFailureAt: undefined, lastFailureAt: undefined, payload: undefined, source: undefined,
  });
  assert.equal(dlq?.source.topic, fx.inputTopic);
  // Sealed under a data key that lives the fanout stage's TTL; ops opens it with that key.
  assert.equal(dlq?.payload?.startsWith('cdt-seal:v1:'), true);
  const opened = await openSealedPayload(dlq!.payload!, createRedisDataKeyStore(fx.redis, { prefix: fx.redisPrefix }));
  assert.deepEqual(JSON.parse(opened?.toString('utf8') ?? '{}'), event);
  const s = await endedState('gone', event.eventId);
  assert.deepEqual([s?.status, s?.attempts, s?.lastError, s?.lastResponseStatus], ['failed', 1, 'CDT_WEBHOOK_REJECTED', 410]);
  const metrics = await metricsWhen((m) => metricValue(m, 'conduit_fanout_failed_total', { subscriber: ids('gone'), code: 'CDT_WEBHOOK_REJECTED' }) === 1);
  assert.equal(metricValue(metrics, 'conduit_fanout_failed_total', { subscriber: ids('gone'), channel: 'webhook', code: 'CDT_WEBHOOK_REJECTED' }), 1);
});

test('a slow receiver triggers the timeout, and the retry delivers', async () => {
  const event = syntheticEvent(ids('slow'), 1, 3);
  await fx.produce([event]);
  await receiver.until((rs) => rs.filter((r) => r.path === '/slow').length >= 2, 30000);
  const s = await endedState('slow', event.eventId);
  assert.deepEqual([s?.status, s?.attempts, s?.lastError], ['delivered', 2, 'CDT_WEBHOOK_TIMEOUT']);
  assert.deepEqual(receiver.requests.filter((r) => r.path === '/slow').map((r) => r.attempt).sort(), [1, 2]);
});

test('the rate limit holds: 10/s means the k-th request waits for window ⌊k/10⌋', async () => {
  const events = Array.from({ length: 30 }, (_, i) => syntheticEvent(ids('rate'), i, 100 + i));
  await fx.produce(events);
  await receiver.until((rs) => rs.filter((r) => r.path === '/rate').length >= 30, 30000);
  const times = receiver.requests.filter((r) => r.path === '/rate').map((r) => r.at).sort((a, b) => a - b);
  times.forEach((t, k) => assert.ok(t - times[0]! >= Math.floor(k / 10) * 1000 - 100, `request ${k} came ${t - times[0]!} ms after the first`));
  assert.ok(times[29]! - times[0]! >= 1900);
  assert.deepEqual(new Set(receiver.requests.filter((r) => r.path === '/rate').map((r) => r.sequence)), new Set(Array.from({ length: 30 }, (_, i) => i + 1)));
});

test('TLS: verified server, client certificate presented; an unverifiable server goes to the DLQ unsent', async (t) => {
  if (!pki || !tlsReceiver) return t.skip('openssl not available');
  const event = syntheticEvent(ids('tls'), 1, 4);
  const rogue = syntheticEvent(ids('rogue'), 1, 5);
  await fx.produce([event, rogue]);
  await tlsReceiver.until((rs) => rs.length >= 1, 30000);
  assert.deepEqual(tlsReceiver.requests.map((r) => [r.eventId, r.status, r.signature, r.clientCertificate]), [[event.eventId, 204, 'ok', 'conduit-fanout-test']]);
  const dlq = (await fx.readDlq(2)).find((d) => d.subscriber === ids('rogue'));
  assert.deepEqual([dlq?.errorCode, dlq?.attempts, dlq?.lastResponseStatus], ['CDT_WEBHOOK_TLS', 1, undefined]);
  assert.equal(rogueReceiver?.requests.length, 0, 'nothing was sent to a server that did not verify');
});

test('every request any receiver got carried a valid signature', () => {
  const all = [...receiver.requests, ...(tlsReceiver?.requests ?? [])];
  assert.ok(all.length >= 37);
  assert.deepEqual(all.filter((r) => r.signature !== 'ok'), []);
});

test('a record for a subscriber this fanout does not serve is dead-lettered to the configured DLQ', async () => {
  const stranger = syntheticEvent('no-such-subscriber', 1, 9);
  await fx.produce([stranger]);
  const records = await fx.read(fx.dlqTopic, (seen) => seen.some((r) => r.headers.eventId === stranger.eventId), 30000);
  const dlq = records.filter((r) => r.headers.eventId === stranger.eventId).map((r) => JSON.parse(r.value.toString()) as { errorCode: string; stage: string });
  assert.deepEqual(dlq.map((d) => [d.stage, d.errorCode]), [['fanout', 'CDT_FANOUT_UNKNOWN_SUBSCRIBER']]);
});
