import type { IHeaders } from 'kafkajs';

/** The record headers every Conduit record carries (architecture: "Record headers carry"). */
export interface EnvelopeHeaders {
  readonly eventId: string;
  readonly correlationId: string;
  readonly schema: string;
  readonly schemaVersion: string;
  readonly traceparent?: string;
  readonly keyId?: string;
  readonly replayId?: string;
  /**
   * On replayed records only: the subscriber ids (comma-separated) the replay is for. Stages that
   * fan out to subscribers deliver a replayed record to these only; absent, to every subscriber
   * that accepts replays.
   */
  readonly replaySubscribers?: string;
  readonly sourceListener?: string;
}

const NAMES = {
  eventId: 'conduit-event-id',
  correlationId: 'conduit-correlation-id',
  schema: 'conduit-schema',
  schemaVersion: 'conduit-schema-version',
  traceparent: 'traceparent',
  keyId: 'conduit-key-id',
  replayId: 'conduit-replay-id',
  replaySubscribers: 'conduit-replay-subscribers',
  sourceListener: 'conduit-source-listener',
} as const satisfies Record<keyof EnvelopeHeaders, string>;

export function encodeHeaders(headers: EnvelopeHeaders): IHeaders {
  const out: IHeaders = {};
  for (const [field, name] of Object.entries(NAMES) as [keyof EnvelopeHeaders, string][]) {
    const value = headers[field];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Header values arrive as Buffers, or arrays of them when a key repeats: the first wins. */
export function decodeHeaders(raw: IHeaders | undefined): Partial<EnvelopeHeaders> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [field, name] of Object.entries(NAMES)) {
    let value = raw[name];
    if (Array.isArray(value)) value = value[0];
    if (value !== undefined) out[field] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
