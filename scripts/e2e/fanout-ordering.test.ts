import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscriberTopic, type ProjectedEvent } from '@conduit/events';
import { main, type FanoutService } from '@conduit/service-fanout';
import { createFanoutFixture, startReceiver, syntheticEvent, writeContract, type FanoutFixture, type Receiver } from './fanout-harness.ts';

const PATIENTS = 20;
const EVENTS = 200;
const FAILING = 7;
const FAILURES = 4;
let fx: FanoutFixture;
let fanout: FanoutService;
let receiver: Receiver;
let subscriber: string;

before(async () => {
  fx = await createFanoutFixture('order');
  subscriber = `${fx.run}-order`;
  const secret = 'whsec-order-0123456789abcdef';
  let failuresLeft = FAILURES;
  receiver = await startReceiver({
    secrets: { '/order': secret },
    behaviours: {
      // The failing patient's path answers 503 for its first requests, then recovers.
      '/order': ({ body }) => {
        const e = JSON.parse(body.toString()) as ProjectedEvent;
        if (e.patientToken === `tok-${FAILING}` && failuresLeft > 0) {
          failuresLeft--;
          return { status: 503 };
        }
        return { status: 200 };
      },
    },
  });
  writeContract(fx.contractsDir, subscriber, { pull: true, webhook: { url: `${receiver.url}/order`, secretRef: 'ORDER_HOOK_KEY', concurrency: 8, backoffMs: 400, maxAttempts: 10 } });
  fanout = await main(fx.env({ ORDER_HOOK_KEY: secret, CONDUIT_LOG_LEVEL: 'silent' }));
});

after(async () => {
  await fanout?.stop();
  await receiver?.close();
  await fx?.dispose([subscriber]);
});

test('200 events for 20 patients arrive in per-patient order on the webhook and the pull topic, numbered without gaps, while one patient fails and recovers', async () => {
  const events = Array.from({ length: EVENTS }, (_, n) => syntheticEvent(subscriber, n, n % PATIENTS));
  const order = new Map<string, number>(events.map((e, i) => [e.eventId, i]));
  const patientOf = (eventId: string) => events[order.get(eventId)!]!.patientToken!;
  const expected = (token: string) => events.filter((e) => e.patientToken === token).map((e) => e.eventId);
  await fx.produce(events);

  // Webhook: every event answered 2xx once; per patient in production order.
  await receiver.until((rs) => new Set(rs.filter((r) => r.status === 200).map((r) => r.eventId)).size === EVENTS, 60000);
  const ok = receiver.requests.filter((r) => r.status === 200);
  assert.equal(ok.length, EVENTS, 'no event was delivered twice');
  for (let p = 0; p < PATIENTS; p++) {
    assert.deepEqual(ok.filter((r) => patientOf(r.eventId) === `tok-${p}`).map((r) => r.eventId), expected(`tok-${p}`), `patient ${p} in order`);
  }
  // One patient's lane waits while it fails; nobody else waits for it.
  const failing = receiver.requests.filter((r) => patientOf(r.eventId) === `tok-${FAILING}`);
  assert.deepEqual(failing.slice(0, FAILURES + 1).map((r) => [r.eventId, r.attempt, r.status]), [
    ...Array.from({ length: FAILURES }, (_, i) => [expected(`tok-${FAILING}`)[0], i + 1, 503]),
    [expected(`tok-${FAILING}`)[0], FAILURES + 1, 200],
  ]);
  const recoveredAt = failing[FAILURES]!.at;
  const others = ok.filter((r) => patientOf(r.eventId) !== `tok-${FAILING}`);
  assert.ok(others.every((r) => r.at < recoveredAt), 'every other patient was delivered before the failing one recovered');
  assert.deepEqual(new Set(ok.map((r) => r.sequence)), new Set(Array.from({ length: EVENTS }, (_, i) => i + 1)), 'webhook sequence numbers 1..200');
  assert.deepEqual(receiver.requests.filter((r) => r.signature !== 'ok'), []);

  // Pull: the subscriber topic holds every event, per patient in order (one partition per patient).
  const records = await fx.read(subscriberTopic(subscriber), (seen) => new Set(seen.map((r) => r.headers.eventId)).size >= EVENTS);
  const pulled = records.map((r) => ({ partition: r.partition, offset: BigInt(r.offset), key: r.key, event: JSON.parse(r.value.toString()) as ProjectedEvent }));
  assert.equal(new Set(pulled.map((r) => r.event.eventId)).size, EVENTS);
  for (let p = 0; p < PATIENTS; p++) {
    const mine = pulled.filter((r) => r.event.patientToken === `tok-${p}`);
    assert.equal(new Set(mine.map((r) => r.partition)).size, 1, `patient ${p} in one partition`);
    assert.ok(mine.every((r) => r.key === `tok-${p}`), 'keyed by the subscriber token');
    const inOffsetOrder = [...mine].sort((a, b) => (a.offset < b.offset ? -1 : 1)).map((r) => r.event.eventId);
    assert.deepEqual([...new Set(inOffsetOrder)], expected(`tok-${p}`), `patient ${p} in order on the topic`);
  }
  // The same number on both channels, and no gap: 1..200.
  const bySeq = new Map(pulled.map((r) => [r.event.sequence, r.event.eventId]));
  assert.deepEqual([...bySeq.keys()].sort((a, b) => a! - b!), Array.from({ length: EVENTS }, (_, i) => i + 1));
  for (const r of ok) assert.equal(bySeq.get(r.sequence), r.eventId);
});
