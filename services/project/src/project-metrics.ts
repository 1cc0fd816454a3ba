import type { CanonicalEvent, ProjectedEvent } from '@conduit/events';
import { boundedLabel, type MetricsRegistry } from '@conduit/metrics';

/** Seconds per canonical event, decode to every subscriber's projection and disclosure entry. */
const DURATION_BUCKETS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5];
/**
 * Sensitive categories come from the segmentation rules (libs/projection's table, or a deployment's
 * own), not from messages; still, only names of a category's shape are labels, and only the first 50.
 */
const CATEGORY = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_CATEGORIES = 50;

/**
 * What project has disclosed, for operators: events read by type, projections by subscriber and
 * type (each one has its disclosure entry on the audit inbox), events no subscriber took,
 * projections that had resources of a sensitive category withheld, dead letters by catalogued
 * code, and time per event. Labels are event types, subscriber ids (from the contract files),
 * category names and codes: never a value of the event.
 */
export interface ProjectMetrics {
  projected(event: CanonicalEvent, projections: readonly ProjectedEvent[], seconds: number): void;
  deadLettered(code: string): void;
}

export function createProjectMetrics(m: MetricsRegistry): ProjectMetrics {
  const events = m.counter('conduit_project_events_total', 'Canonical events projected, by event type (a batch read again after a failed publish counts again).', ['event_type']);
  const unmatched = m.counter('conduit_project_unmatched_events_total', 'Canonical events that no subscriber contract took (its filter, or a replay aimed at other subscribers), by event type.', ['event_type']);
  const projections = m.counter('conduit_project_projections_total', 'Projections made, each with its disclosure entry, by subscriber and event type.', ['subscriber', 'event_type']);
  const withheld = m.counter('conduit_project_withheld_total', 'Projections from which resources of a sensitive category were withheld, by subscriber and category.', ['subscriber', 'category']);
  const deidentified = m.counter('conduit_project_deidentified_total', 'Projections de-identified under HIPAA Safe Harbor, by subscriber.', ['subscriber']);
  const dead = m.counter('conduit_project_dead_lettered_total', 'Canonical records sent to the DLQ instead of projected, by catalog error code (a batch read again after a failed publish counts again).', ['code']);
  const duration = m.histogram('conduit_project_duration_seconds', 'Time to project one canonical event for every matching subscriber: decode, project, tokenize, build the disclosure entries.', [], DURATION_BUCKETS);
  const categoryLabel = boundedLabel(CATEGORY, MAX_CATEGORIES);
  return {
    projected(event, out, seconds) {
      const eventType = event.eventType;
      events.inc({ event_type: eventType });
      if (out.length === 0) unmatched.inc({ event_type: eventType });
      for (const p of out) {
        projections.inc({ subscriber: p.subscriber, event_type: eventType });
        for (const category of p.withheld ?? []) withheld.inc({ subscriber: p.subscriber, category: categoryLabel(category) });
        if (p.deidentification) deidentified.inc({ subscriber: p.subscriber });
      }
      duration.observe(seconds);
    },
    deadLettered: (code) => dead.inc({ code }),
  };
}
