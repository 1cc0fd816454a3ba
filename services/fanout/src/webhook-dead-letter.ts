import type { BusRecord } from '@conduit/bus';
import { SchemaIds, type DlqRecord, type SealedPayload } from '@conduit/events';
import type { DeliveryFailure, StoredDelivery } from '@conduit/queue';

/**
 * The DLQ record of a webhook delivery fanout gave up: the error code and last HTTP status of the
 * last attempt, the attempts made, and the projected record as read (so a DLQ retry re-delivers it),
 * sealed when a sealer is configured: ops opens it with the key while the TTL lasts. `omitted`:
 * the payload was too large for the DLQ topic (sealedPayloadFitsDlq) and is left out.
 */
export function webhookDeadLetter(d: StoredDelivery, failure: DeliveryFailure, o: { topic: string; now: number; sealed?: SealedPayload | 'omitted' }): BusRecord {
  const sealed = o.sealed === 'omitted' ? undefined : o.sealed;
  const at = new Date(o.now).toISOString();
  const value: DlqRecord = {
    stage: 'fanout',
    errorCode: failure.code,
    errorDetail: `webhook delivery to ${d.subscriber} given up after ${d.attempts} attempt(s)${failure.status !== undefined ? `; last HTTP status ${failure.status}` : ''}`,
    attempts: d.attempts,
    firstFailureAt: new Date(d.firstFailureAt ?? o.now).toISOString(),
    lastFailureAt: at,
    sourceEventId: d.eventId,
    subscriber: d.subscriber,
    ...(failure.status !== undefined ? { lastResponseStatus: failure.status } : {}),
    source: d.source,
    ...(o.sealed === 'omitted' ? { payloadOmitted: true } : { payload: sealed?.sealed ?? d.body }),
  };
  return {
    topic: o.topic,
    key: d.key,
    value,
    headers: {
      eventId: d.eventId,
      correlationId: d.correlationId,
      schema: SchemaIds.dlq.name,
      schemaVersion: SchemaIds.dlq.version,
      ...(d.traceparent ? { traceparent: d.traceparent } : {}),
      ...(d.replayId ? { replayId: d.replayId } : {}),
      ...(sealed ? { keyId: sealed.keyId } : {}),
    },
  };
}
