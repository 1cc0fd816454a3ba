import { randomUUID } from 'node:crypto';
import { deriveEventId, type CommitPublisher } from '@conduit/bus';
import { ConduitError, isConduitError } from '@conduit/errors';
import { MAX_RECORD_BYTES, Topics, jsonSurelyWithin } from '@conduit/events';
import { decodeHl7Bytes, parseHl7, readHeader, validateMessage, type Hl7Charset, type Hl7Header, type Hl7Message, type IssueLocation } from '@conduit/hl7v2';
import type { ConduitLogger } from '@conduit/log';
import type { DedupeClaim, DedupeStore } from '@conduit/queue/dedupe';
import { isSourceAllowed, type ListenerConfig } from './listener-config.ts';
import { buildRawRecord, fingerprintOf } from './raw-record.ts';

/** Where a message came from: recorded with it, and checked against the listener's allowlists. */
export interface IntakeOrigin {
  readonly listener: ListenerConfig;
  readonly transport: 'mllp' | 'mllp-tls' | 'http';
  readonly remoteAddress: string;
  readonly certificateSubject?: string;
  /** MLLP connection number, for logs. */
  readonly connection?: number;
}

/** A catalogued reason to refuse, with its ERR-2 location when it has one. Never a value. */
export interface Refusal {
  readonly code: string;
  readonly location?: IssueLocation;
}

interface Parsed {
  readonly correlationId: string;
  readonly header: Hl7Header;
  readonly message: Hl7Message;
  readonly charset: Hl7Charset;
}

export type IntakeOutcome =
  /** Kafka acknowledged the write: the only outcome that may be answered AA/CA. */
  | (Parsed & { readonly kind: 'stored'; readonly eventId: string })
  /** Stored before, within the duplicate window: answered as stored, not published again. */
  | (Parsed & { readonly kind: 'duplicate'; readonly eventId: string })
  /** Not stored, and resending it unchanged will not help (AE/AR with the refusals). */
  | { readonly kind: 'refused'; readonly correlationId: string; readonly header?: Hl7Header; readonly message?: Hl7Message; readonly charset?: Hl7Charset; readonly refusals: readonly Refusal[] }
  /** Not stored because of a temporary failure: the sender should resend it (retriable code). */
  | (Parsed & { readonly kind: 'failed'; readonly code: string; readonly eventId: string })
  /** An acknowledgment sent to us (an enhanced-mode sender acknowledging our application ACK). */
  | (Parsed & { readonly kind: 'ignored' });

export interface IntakeDeps {
  readonly publisher: CommitPublisher;
  /** Topics.raw unless a test or benchmark names its own. */
  readonly rawTopic?: string;
  /** Absent when duplicate suppression is off. */
  readonly dedupe?: DedupeStore;
  /** How long a copy waits for another in-flight write of the same message. */
  readonly inFlightWaitMs: number;
  readonly patientKeySecret: Buffer;
  readonly logger: ConduitLogger;
  readonly now?: () => Date;
  readonly onDedupeUnavailable?: () => void;
}

export interface Intake {
  /** One message as bytes (an MLLP frame): decode, parse, check, store. */
  receiveBytes(payload: Buffer, origin: IntakeOrigin): Promise<IntakeOutcome>;
  /** One message already decoded and parsed (from an HTTP batch). */
  receiveParsed(message: Hl7Message, charset: Hl7Charset, origin: IntakeOrigin): Promise<IntakeOutcome>;
  /** The refusal of bytes that never became a message (decode or parse failure). */
  refuse(err: unknown, bytes: Buffer | undefined, origin: IntakeOrigin): IntakeOutcome;
}

const MSH = (field: number, component?: number): IssueLocation => ({ segment: 'MSH', sequence: 1, field, ...(component ? { component } : {}) });

/**
 * The edge of the engine: bytes → message → checks → one durable write → an outcome the
 * transport turns into ACKs or JSON. Only a write Kafka acknowledged yields "stored"; a message
 * is marked seen for duplicate suppression only after that, by the publisher's settled outcome.
 */
export function createIntake(deps: IntakeDeps): Intake {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'intake' });

  const refuse = (err: unknown, bytes: Buffer | undefined, origin: IntakeOrigin): IntakeOutcome => {
    // A parser that throws anything but a catalogued error has a defect: say so, not "not HL7".
    const code = isConduitError(err) ? err.code : 'CDT_INTERNAL';
    if (!isConduitError(err)) log.error({ err, listener: origin.listener.name }, 'unexpected parse failure');
    // Best effort, so the refusal can still echo MSH-10 in MSA-2: MSH is ASCII in every
    // character set we read.
    let message: Hl7Message | undefined;
    try {
      if (bytes) message = parseHl7(bytes.toString('latin1'));
    } catch {
      message = undefined;
    }
    return finish({ kind: 'refused', correlationId: randomUUID(), refusals: [{ code }], ...(message ? { message, header: readHeader(message) } : {}) }, origin);
  };

  const finish = (outcome: IntakeOutcome, origin: IntakeOrigin): IntakeOutcome => {
    const fields = {
      listener: origin.listener.name,
      correlationId: outcome.correlationId,
      ...(origin.connection !== undefined ? { connection: origin.connection } : {}),
      ...('eventId' in outcome ? { eventId: outcome.eventId } : {}),
    };
    switch (outcome.kind) {
      case 'stored': log.debug(fields, 'message stored'); break;
      case 'duplicate': log.info(fields, 'duplicate acknowledged again, not published'); break;
      case 'refused': log.warn({ ...fields, codes: outcome.refusals.map((r) => r.code).slice(0, 10) }, 'message refused'); break;
      case 'failed': log.error({ ...fields, code: outcome.code }, 'message not stored; sender told to resend'); break;
      case 'ignored': log.debug(fields, 'acknowledgment received; nothing to store'); break;
    }
    return outcome;
  };

  async function receiveParsed(message: Hl7Message, charset: Hl7Charset, origin: IntakeOrigin): Promise<IntakeOutcome> {
    const header = readHeader(message);
    const parsed: Parsed = { correlationId: randomUUID(), header, message, charset };
    if (header.messageCode === 'ACK') return finish({ ...parsed, kind: 'ignored' }, origin);
    const policy = checkPolicy(header, origin);
    if (policy.length > 0) return finish({ kind: 'refused', correlationId: parsed.correlationId, header, message, charset, refusals: policy }, origin);
    const eventId = deriveEventId(header.sendingApplication, header.sendingFacility, header.controlId);
    // Claimed before validating so the Redis round trip overlaps validation: nearly every message
    // is valid, and the claim of one that is not is given back at once.
    const claiming = deps.dedupe && header.controlId !== '' ? deps.dedupe.claim(eventId, fingerprintOf(message), deps.inFlightWaitMs) : undefined;
    const issues = validateMessage(message, origin.listener.validationOptions);
    if (issues.length > 0) {
      void claiming?.then((c) => (c.kind === 'claimed' ? deps.dedupe?.release(c) : undefined));
      return finish({ kind: 'refused', correlationId: parsed.correlationId, header, message, charset, refusals: issues }, origin);
    }
    return finish(await store(parsed, eventId, await claiming, origin), origin);
  }

  async function store(parsed: Parsed, eventId: string, claim: DedupeClaim | undefined, origin: IntakeOrigin): Promise<IntakeOutcome> {
    const { header, message } = parsed;
    switch (claim?.kind) {
      case 'duplicate': return { ...parsed, kind: 'duplicate', eventId };
      case 'conflict': return { kind: 'refused', correlationId: parsed.correlationId, header, message, charset: parsed.charset, refusals: [{ code: 'CDT_INGEST_CONTROL_ID_REUSED', location: MSH(10) }] };
      case 'in-flight': return { ...parsed, kind: 'failed', code: 'CDT_INGEST_DUPLICATE_IN_FLIGHT', eventId };
      case 'unavailable': deps.onDedupeUnavailable?.(); break;
    }
    let record: ReturnType<typeof buildRawRecord>;
    try {
      record = buildRawRecord({ ...parsed, eventId, receivedAt: now() }, origin, { topic: deps.rawTopic ?? Topics.raw, patientKeySecret: deps.patientKeySecret });
    } catch (err) {
      log.error({ err, correlationId: parsed.correlationId }, 'could not build the raw record');
      if (claim?.kind === 'claimed') await deps.dedupe?.release(claim);
      return { ...parsed, kind: 'failed', code: 'CDT_INTERNAL', eventId };
    }
    // A record over the topic's limit would fail every write, and the sender, told to resend,
    // would never get past it. Only a large message can be: it is encoded here, once, to be
    // measured (encoding every message here looked ~8% slower in alternated serial bench runs).
    const encoded = jsonSurelyWithin(record.value.hl7.length, MAX_RECORD_BYTES - RECEIPT_BYTES) ? undefined : Buffer.from(JSON.stringify(record.value));
    if (encoded && encoded.length > MAX_RECORD_BYTES) {
      if (claim?.kind === 'claimed') await deps.dedupe?.release(claim);
      return { kind: 'refused', correlationId: parsed.correlationId, header, message, charset: parsed.charset, refusals: [{ code: 'CDT_INGEST_MESSAGE_TOO_LARGE' }] };
    }
    const write = deps.publisher.write([encoded ? { ...record, value: encoded } : record]);
    if (claim?.kind === 'claimed') {
      // Not awaited before answering: until it lands, a resend finds the claim pending and waits.
      void write.settled.then((stored) => (stored ? deps.dedupe?.commit(claim) : deps.dedupe?.release(claim)));
    }
    try {
      await write.acknowledged;
      return { ...parsed, kind: 'stored', eventId };
    } catch (err) {
      return { ...parsed, kind: 'failed', code: err instanceof ConduitError ? err.code : 'CDT_KAFKA_WRITE_FAILED', eventId };
    }
  }

  return {
    refuse,
    receiveParsed,
    async receiveBytes(payload, origin) {
      let message: Hl7Message;
      let charset: Hl7Charset;
      try {
        const decoded = decodeHl7Bytes(payload, origin.listener.charsetOverride ? { charsetOverride: origin.listener.charsetOverride } : {});
        charset = decoded.charset;
        message = parseHl7(decoded.text);
      } catch (err) {
        return refuse(err, payload, origin);
      }
      return receiveParsed(message, charset, origin);
    },
  };
}

/** What the raw record holds besides the message (receipt, header facts) is well under this. */
const RECEIPT_BYTES = 64 * 1024;

/**
 * Listener policy comes before content: a message this listener will not take from this peer
 * or facility is refused (AR) without reporting on its content.
 */
function checkPolicy(header: Hl7Header, origin: IntakeOrigin): Refusal[] {
  if (!isSourceAllowed(origin.listener, origin.remoteAddress)) return [{ code: 'CDT_INGEST_SOURCE_NOT_ALLOWED' }];
  const facilities = origin.listener.facilities;
  // MSH-4 is an HD: its namespace id (component 1) names the facility.
  if (facilities && !facilities.has(header.sendingFacility)) return [{ code: 'CDT_INGEST_FACILITY_NOT_ALLOWED', location: MSH(4, 1) }];
  return [];
}
