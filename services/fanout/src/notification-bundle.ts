import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import type { ProjectedEvent } from '@conduit/events';
import { deliveryIdFor } from '@conduit/queue';

/** Profiles of the Subscriptions R5 Backport IG (STU 1.1) for FHIR R4. */
export const BACKPORT_NOTIFICATION_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4';
export const BACKPORT_STATUS_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4';
/** Conduit's event types stand in for SubscriptionTopic canonicals. */
export const TOPIC_BASE = 'https://conduit.dev/fhir/SubscriptionTopic/';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The resource an event is about (the notification's focus), by event type. */
const FOCUS_BY_EVENT: Readonly<Record<string, string>> = {
  'patient-admitted': 'Encounter',
  'patient-transferred': 'Encounter',
  'patient-discharged': 'Encounter',
  'patient-preadmitted': 'Encounter',
  'admit-cancelled': 'Encounter',
  'discharge-cancelled': 'Encounter',
  'result-reported': 'DiagnosticReport',
};

export interface NotificationContext {
  readonly subscriber: string;
  /** Unique per delivery (a replay is a new notification of the same event). */
  readonly deliveryId: string;
  readonly sequence: number;
  readonly now: Date;
}

/**
 * A full-resource event notification as the Backport IG defines it for R4: a `history` Bundle whose
 * first entry is the SubscriptionStatus (a Parameters resource) carrying the subscription, the topic,
 * events-since-subscription-start and one notification-event with its event-number, timestamp and
 * focus; the event's resources follow. History bundles need request and response on every entry
 * (invariants bdl-3, bdl-4): the status entry mirrors a $status call, resources a PUT of their id.
 */
export function buildNotificationBundle(event: ProjectedEvent, ctx: NotificationContext): Bundle {
  const resources = (event.bundle.entry ?? []).filter((e): e is BundleEntry & { resource: Resource } => e.resource !== undefined);
  const focus = pickFocus(event.eventType, resources.map((e) => e.resource));
  const number = String(ctx.sequence);
  const notificationEvent: ParametersParameter[] = [
    { name: 'event-number', valueString: number },
    // An HL7 v2 time may be less precise than a FHIR instant (seconds and zone required): then none.
    ...(INSTANT.test(event.occurredAt) ? [{ name: 'timestamp', valueInstant: event.occurredAt }] : []),
    ...(focus ? [{ name: 'focus', valueReference: { reference: focus } }] : []),
  ];
  const statusId = deliveryIdFor(ctx.deliveryId, 'subscription-status');
  const status: Parameters = {
    resourceType: 'Parameters',
    id: statusId,
    meta: { profile: [BACKPORT_STATUS_PROFILE] },
    parameter: [
      { name: 'subscription', valueReference: { reference: `Subscription/${ctx.subscriber}` } },
      { name: 'topic', valueCanonical: `${TOPIC_BASE}${event.eventType}` },
      { name: 'status', valueCode: 'active' },
      { name: 'type', valueCode: 'event-notification' },
      // R4 has no integer64: the IG carries event numbers as strings.
      { name: 'events-since-subscription-start', valueString: number },
      { name: 'notification-event', part: notificationEvent },
    ],
  };
  return {
    resourceType: 'Bundle',
    id: ctx.deliveryId,
    meta: { profile: [BACKPORT_NOTIFICATION_PROFILE] },
    type: 'history',
    timestamp: ctx.now.toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${statusId}`,
        resource: status,
        request: { method: 'GET', url: `Subscription/${ctx.subscriber}/$status` },
        response: { status: '200' },
      },
      ...resources.map((e): BundleEntry => ({
        ...(e.fullUrl ? { fullUrl: e.fullUrl } : {}),
        resource: e.resource,
        request: { method: 'PUT', url: e.resource.id ? `${e.resource.resourceType}/${e.resource.id}` : e.resource.resourceType },
        response: { status: '200' },
      })),
    ],
  };
}

function pickFocus(eventType: string, resources: readonly Resource[]): string | undefined {
  const wanted = FOCUS_BY_EVENT[eventType] ?? 'Patient';
  const r = resources.find((x) => x.resourceType === wanted && x.id) ?? resources.find((x) => x.id);
  return r ? `${r.resourceType}/${r.id}` : undefined;
}
