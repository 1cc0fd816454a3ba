import type { BusRecord, RangeRecord } from '@conduit/bus';
import type { CanonicalEvent, ProjectedEvent, RawMessageRecord } from '@conduit/events';
import type { ReplaySpec } from './replay-spec.ts';

export interface SelectorContext {
  readonly replayId: string;
  /** Target topic (the stage's input topic, or a test's). */
  readonly topic: string;
  /** Source event ids that failed with a selected code (errorCodes selector). */
  readonly failedEventIds?: ReadonlySet<string>;
}

/** One source record → the record to re-publish, or null when the window or a selector excludes it. */
export type RecordSelector = (record: RangeRecord) => BusRecord | null;

const anyOf = (list: readonly string[] | undefined, value: string | undefined) => !list || (value !== undefined && list.includes(value));

function parse<T>(value: Buffer): T | null {
  try {
    return JSON.parse(value.toString('utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Pure selection and marking. Replayed records keep their key (partition and order per patient)
 * and event id (subscribers deduplicate), and carry the replay id — in the header everywhere, and
 * in the value where the schema has a place for it (canonical replayId, projected replay) — plus
 * the target subscriber when the replay is for one.
 */
export function createRecordSelector(spec: ReplaySpec, ctx: SelectorContext): RecordSelector {
  const from = Date.parse(spec.from);
  const to = Date.parse(spec.to);
  const s = spec.selectors;
  const headersOf = (r: RangeRecord) => ({
    eventId: r.headers.eventId ?? `${r.partition}/${r.offset}`,
    correlationId: r.headers.correlationId ?? r.headers.eventId ?? ctx.replayId,
    schema: r.headers.schema ?? 'unknown',
    schemaVersion: r.headers.schemaVersion ?? '0',
    ...(r.headers.traceparent ? { traceparent: r.headers.traceparent } : {}),
    ...(r.headers.keyId ? { keyId: r.headers.keyId } : {}),
    ...(r.headers.sourceListener ? { sourceListener: r.headers.sourceListener } : {}),
    replayId: ctx.replayId,
    ...(s.subscriber ? { replaySubscribers: s.subscriber } : {}),
  });
  const failedOk = (r: RangeRecord) => !ctx.failedEventIds || (r.headers.eventId !== undefined && ctx.failedEventIds.has(r.headers.eventId));
  // Records an earlier replay wrote are copies: a replay re-feeds the original traffic only, so
  // windows that overlap earlier replays do not multiply them.
  const inWindow = (r: RangeRecord) => r.timestamp >= from && r.timestamp < to && r.headers.replayId === undefined;

  switch (spec.stage) {
    case 'raw': {
      const needsValue = !!(s.messageTypes || s.facilities);
      return (r) => {
        if (!inWindow(r) || !failedOk(r) || !anyOf(s.patientTokens, r.key ?? undefined)) return null;
        if (needsValue) {
          const raw = parse<RawMessageRecord>(r.value);
          if (!raw?.header) return null;
          if (!anyOf(s.messageTypes, `${raw.header.messageCode}^${raw.header.triggerEvent}`) || !anyOf(s.facilities, raw.header.sendingFacility)) return null;
        }
        // Bytes unchanged: normalize reads the replay id from the header.
        return { topic: ctx.topic, key: r.key, value: r.value, headers: headersOf(r) };
      };
    }
    case 'canonical':
      return (r) => {
        if (!inWindow(r) || !failedOk(r)) return null;
        const event = parse<CanonicalEvent>(r.value);
        if (!event) return null;
        if (!anyOf(s.messageTypes, event.messageType) || !anyOf(s.facilities, event.source?.facility)) return null;
        if (s.patientTokens && !anyOf(s.patientTokens, event.patientKey) && !anyOf(s.patientTokens, r.key ?? undefined)) return null;
        return { topic: ctx.topic, key: r.key, value: { ...event, replayId: ctx.replayId }, headers: headersOf(r) };
      };
    case 'subscriber':
      return (r) => {
        if (!inWindow(r) || !failedOk(r)) return null;
        const event = parse<ProjectedEvent>(r.value);
        if (!event || event.subscriber !== s.subscriber || !anyOf(s.patientTokens, event.patientToken)) return null;
        return { topic: ctx.topic, key: r.key, value: { ...event, replay: true }, headers: headersOf(r) };
      };
  }
}
