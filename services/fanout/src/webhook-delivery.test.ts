import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecordValidators, sealedPayloadFitsDlq, type DlqRecord, type ProjectedEvent } from '@conduit/events';
import { verifyWebhookSignature, type StoredDelivery } from '@conduit/queue';
import { buildNotificationBundle } from './notification-bundle.ts';
import { webhookDeadLetter } from './webhook-dead-letter.ts';
import { classifyHttpResult, parseRetryAfter } from './webhook-outcome.ts';
import { buildWebhookRequest } from './webhook-request.ts';

const event: ProjectedEvent = {
  eventId: '0b7e0c2a-5d1e-8f00-9a00-000000000001',
  sourceEventId: 'src-1',
  eventType: 'patient-admitted',
  subscriber: 'care-management',
  purposeOfUse: 'TREAT',
  contractVersion: '1',
  occurredAt: '2026-03-01T10:00:00.000Z',
  patientToken: 'tok-A',
  bundle: {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:p-1', resource: { resourceType: 'Patient', id: 'p-1', gender: 'female' } },
      { fullUrl: 'urn:uuid:e-1', resource: { resourceType: 'Encounter', id: 'e-1', status: 'in-progress', class: { code: 'IMP' } } },
    ],
  },
};

const delivery: StoredDelivery = {
  subscriber: 'care-management', deliveryId: event.eventId, eventId: event.eventId, sequence: 42, lane: 'tok-A', attempts: 2,
  body: JSON.stringify(event), key: 'pk-1', source: { topic: 'conduit.projected.v1', partition: 3, offset: '77' }, correlationId: 'corr-1', queuedAt: 1000,
};
const secret = Buffer.from('whsec_care_management_0123456789');

test('event format: the projected event with its sequence, signed over the exact body', () => {
  const now = Date.UTC(2026, 2, 1, 10, 0, 5);
  const r = buildWebhookRequest(delivery, { format: 'event', secret, now });
  assert.deepEqual(JSON.parse(r.body.toString()), { ...event, sequence: 42 });
  assert.deepEqual({ ...r.headers, 'conduit-signature': undefined }, {
    'content-type': 'application/json', 'user-agent': 'conduit-fanout', 'conduit-signature': undefined,
    'conduit-event-id': event.eventId, 'conduit-delivery-id': event.eventId, 'conduit-sequence': '42', 'conduit-delivery-attempt': '2',
  });
  assert.deepEqual(verifyWebhookSignature({ header: r.headers['conduit-signature'], body: r.body, secrets: secret, nowSeconds: now / 1000 }), { ok: true, timestamp: now / 1000 });
});

test('subscription-notification format: an R4 Backport history Bundle, status first, focus on the encounter', () => {
  const now = Date.UTC(2026, 2, 1, 10, 0, 5);
  const r = buildWebhookRequest(delivery, { format: 'subscription-notification', secret, now });
  assert.equal(r.headers['content-type'], 'application/fhir+json');
  const bundle = JSON.parse(r.body.toString()) as ReturnType<typeof buildNotificationBundle>;
  assert.deepEqual(bundle, buildNotificationBundle({ ...event, sequence: 42 }, { subscriber: 'care-management', deliveryId: event.eventId, sequence: 42, now: new Date(now) }));
  assert.equal(bundle.type, 'history');
  assert.deepEqual(bundle.meta?.profile, ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4']);
  assert.equal(bundle.timestamp, '2026-03-01T10:00:05.000Z');
  const [status, ...rest] = bundle.entry ?? [];
  assert.equal(status?.resource?.resourceType, 'Parameters');
  assert.deepEqual(status?.request, { method: 'GET', url: 'Subscription/care-management/$status' });
  const params = (status?.resource as { parameter: { name: string }[] }).parameter;
  assert.deepEqual(params, [
    { name: 'subscription', valueReference: { reference: 'Subscription/care-management' } },
    { name: 'topic', valueCanonical: 'https://conduit.dev/fhir/SubscriptionTopic/patient-admitted' },
    { name: 'status', valueCode: 'active' },
    { name: 'type', valueCode: 'event-notification' },
    { name: 'events-since-subscription-start', valueString: '42' },
    { name: 'notification-event', part: [
      { name: 'event-number', valueString: '42' },
      { name: 'timestamp', valueInstant: '2026-03-01T10:00:00.000Z' },
      { name: 'focus', valueReference: { reference: 'Encounter/e-1' } },
    ] },
  ]);
  assert.deepEqual(rest.map((e) => [e.fullUrl, e.resource?.resourceType, e.request, e.response]), [
    ['urn:uuid:p-1', 'Patient', { method: 'PUT', url: 'Patient/p-1' }, { status: '200' }],
    ['urn:uuid:e-1', 'Encounter', { method: 'PUT', url: 'Encounter/e-1' }, { status: '200' }],
  ]);
});

test('an occurredAt less precise than an instant is left out of the notification rather than made up', () => {
  const bundle = buildNotificationBundle({ ...event, occurredAt: '2026-03-01T10:00' }, { subscriber: 's', deliveryId: 'd', sequence: 1, now: new Date(0) });
  const params = (bundle.entry?.[0]?.resource as { parameter: { name: string; part?: { name: string }[] }[] }).parameter;
  assert.deepEqual(params.find((p) => p.name === 'notification-event')?.part?.map((p) => p.name), ['event-number', 'focus']);
});

test('2xx delivers; 429, 5xx, timeouts and network errors retry; other statuses and TLS failures go to the DLQ', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 204 }, now), { kind: 'delivered', status: 204 });
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 503 }, now), { kind: 'retry', code: 'CDT_WEBHOOK_UNAVAILABLE', status: 503 });
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 429, retryAfter: '7' }, now), { kind: 'retry', code: 'CDT_WEBHOOK_UNAVAILABLE', status: 429, retryAfterMs: 7000 });
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 410 }, now), { kind: 'fail', code: 'CDT_WEBHOOK_REJECTED', status: 410 });
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 400 }, now), { kind: 'fail', code: 'CDT_WEBHOOK_REJECTED', status: 400 });
  assert.deepEqual(classifyHttpResult({ kind: 'response', status: 301 }, now), { kind: 'fail', code: 'CDT_WEBHOOK_REJECTED', status: 301 });
  assert.deepEqual(classifyHttpResult({ kind: 'timeout' }, now), { kind: 'retry', code: 'CDT_WEBHOOK_TIMEOUT' });
  assert.deepEqual(classifyHttpResult({ kind: 'error', tls: false }, now), { kind: 'retry', code: 'CDT_WEBHOOK_NETWORK' });
  assert.deepEqual(classifyHttpResult({ kind: 'error', tls: true }, now), { kind: 'fail', code: 'CDT_WEBHOOK_TLS' });
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30000);
  assert.equal(parseRetryAfter('soon', now), undefined);
});

test('a given-up delivery becomes a valid DLQ record with its code, attempts and last status', () => {
  const record = webhookDeadLetter({ ...delivery, attempts: 3, firstFailureAt: Date.UTC(2026, 0, 1) }, { code: 'CDT_WEBHOOK_REJECTED', status: 410 }, { topic: 'conduit.dlq.v1', now: Date.UTC(2026, 0, 1, 0, 1) });
  const validators = createRecordValidators();
  assert.equal(validators.dlq(record.value), true, JSON.stringify(validators.dlq.errors));
  const value = record.value as DlqRecord;
  assert.deepEqual({ ...value, payload: undefined }, {
    stage: 'fanout', errorCode: 'CDT_WEBHOOK_REJECTED', errorDetail: 'webhook delivery to care-management given up after 3 attempt(s); last HTTP status 410',
    attempts: 3, firstFailureAt: '2026-01-01T00:00:00.000Z', lastFailureAt: '2026-01-01T00:01:00.000Z', sourceEventId: event.eventId,
    subscriber: 'care-management', lastResponseStatus: 410, source: { topic: 'conduit.projected.v1', partition: 3, offset: '77' }, payload: undefined,
  });
  assert.equal(value.payload, delivery.body);
  assert.deepEqual([record.topic, record.key, record.headers.eventId, record.headers.correlationId], ['conduit.dlq.v1', 'pk-1', event.eventId, 'corr-1']);
});

test('a given-up delivery whose payload is too large for the DLQ topic is dead-lettered without it, and still valid', () => {
  assert.equal(sealedPayloadFitsDlq(Buffer.byteLength(delivery.body)), true);
  assert.equal(sealedPayloadFitsDlq(8 * 1024 * 1024), false, 'a projected event of 8 MiB sealed is over 10 MiB');
  const record = webhookDeadLetter({ ...delivery, attempts: 5 }, { code: 'CDT_WEBHOOK_TIMEOUT' }, { topic: 'conduit.dlq.v1', now: Date.UTC(2026, 0, 1), sealed: 'omitted' });
  const value = record.value as DlqRecord;
  assert.equal(createRecordValidators().dlq(value), true);
  assert.deepEqual([value.payload, value.payloadOmitted, record.headers.keyId], [undefined, true, undefined]);
  assert.deepEqual(value.source, { topic: 'conduit.projected.v1', partition: 3, offset: '77' });
});
