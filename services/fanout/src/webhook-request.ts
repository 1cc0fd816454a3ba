import type { ProjectedEvent } from '@conduit/events';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, type StoredDelivery, type WebhookSecret } from '@conduit/queue';
import { buildNotificationBundle } from './notification-bundle.ts';

export type WebhookFormat = 'event' | 'subscription-notification';

export interface WebhookRequest {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The bytes and headers of one attempt. The signature covers the exact body sent, with the time of
 * this attempt; ids and the sequence number ride in headers too, so a receiver can deduplicate and
 * detect gaps before parsing.
 */
export function buildWebhookRequest(d: StoredDelivery, o: { format: WebhookFormat; secret: WebhookSecret; now: number }): WebhookRequest {
  const event: ProjectedEvent = { ...(JSON.parse(d.body) as ProjectedEvent), sequence: d.sequence };
  const payload = o.format === 'event'
    ? event
    : buildNotificationBundle(event, { subscriber: d.subscriber, deliveryId: d.deliveryId, sequence: d.sequence, now: new Date(o.now) });
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    body,
    headers: {
      'content-type': o.format === 'event' ? 'application/json' : 'application/fhir+json',
      'user-agent': 'conduit-fanout',
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(o.secret, body, Math.floor(o.now / 1000)),
      'conduit-event-id': d.eventId,
      'conduit-delivery-id': d.deliveryId,
      'conduit-sequence': String(d.sequence),
      'conduit-delivery-attempt': String(d.attempts),
    },
  };
}
