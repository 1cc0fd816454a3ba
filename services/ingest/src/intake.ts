import { ConduitError, getCatalogEntry, isConduitError } from '@conduit/errors';
import { deriveEventId, newTraceparent, type BusRecord, type Publisher } from '@conduit/bus';
import { SchemaIds, Topics, type RawMessageRecord } from '@conduit/events';
import { buildAck, findPatientIdentity, formatHl7Timestamp, parseHl7, readHeader, type AckError, type Hl7Header, type Hl7Message } from '@conduit/hl7v2';
import { derivePatientKey } from '@conduit/keys';
import type { ConduitLogger } from '@conduit/log';
import type { MllpConnectionInfo } from '@conduit/mllp';

export interface IntakeDeps {
  readonly listener: string;
  readonly publisher: Publisher;
  readonly patientKeySecret: Buffer;
  readonly logger: ConduitLogger;
  readonly now?: () => Date;
}

export interface IntakeResult {
  readonly ack: string;
  readonly code: 'AA' | 'AE' | 'AR';
  readonly errorCode?: string;
}

/**
 * Stores one message and answers it. AA is built only after the publisher resolved, i.e. after
 * Kafka acknowledged the write with acks=-1; any failure on the way answers an error ACK.
 */
export async function acceptMessage(payload: Buffer, connection: MllpConnectionInfo, deps: IntakeDeps): Promise<IntakeResult> {
  const now = (deps.now ?? (() => new Date()))();
  let message: Hl7Message | undefined;
  let header: Hl7Header | undefined;
  const ackControlId = deriveEventId('ack', String(now.getTime()), String(Math.random())).slice(0, 20);
  const refuse = (err: ConduitError, location?: AckError['location']): IntakeResult => {
    const entry = err.entry;
    const errors: AckError[] = [{ entry, ...(location ? { location } : {}) }];
    deps.logger.warn({ code: err.code, connection: connection.id, controlId: header?.controlId }, 'message refused');
    return {
      ack: buildAck({ code: entry.ack, ...(header ? { header } : {}), ...(message ? { delimiters: message.delimiters } : {}), errors, controlId: ackControlId, timestamp: formatHl7Timestamp(now) }),
      code: entry.ack,
      errorCode: err.code,
    };
  };
  try {
    message = parseHl7(payload.toString('utf8'));
    header = readHeader(message);
  } catch (err) {
    return refuse(isConduitError(err) ? err : new ConduitError('CDT_HL7_NOT_HL7'));
  }
  if (!header.controlId) return refuse(new ConduitError('CDT_HL7_REQUIRED_FIELD_MISSING', 'MSH-10'), { segment: 'MSH', field: 10 });
  if (!header.messageCode) return refuse(new ConduitError('CDT_HL7_REQUIRED_FIELD_MISSING', 'MSH-9'), { segment: 'MSH', field: 9 });

  const eventId = deriveEventId(header.sendingApplication, header.sendingFacility, header.controlId);
  const identity = findPatientIdentity(message);
  const value: RawMessageRecord = {
    receivedAt: now.toISOString(),
    listener: deps.listener,
    transport: connection.tls ? 'mllp-tls' : 'mllp',
    peer: { address: connection.remoteAddress, ...(connection.certificateSubject ? { certificateSubject: connection.certificateSubject } : {}) },
    header: {
      sendingApplication: header.sendingApplication,
      sendingFacility: header.sendingFacility,
      receivingApplication: header.receivingApplication,
      receivingFacility: header.receivingFacility,
      messageTime: header.messageTime,
      messageCode: header.messageCode,
      triggerEvent: header.triggerEvent,
      messageStructure: header.messageStructure,
      controlId: header.controlId,
      processingId: header.processingId,
      version: header.version,
    },
    charset: 'UTF-8',
    hl7: message.raw,
  };
  const record: BusRecord = {
    topic: Topics.raw,
    key: identity ? derivePatientKey(deps.patientKeySecret, identity.authority, identity.mrn) : `source:${header.sendingFacility}`,
    value,
    timestamp: now.getTime(),
    headers: {
      eventId,
      correlationId: eventId,
      traceparent: newTraceparent(),
      schema: SchemaIds.raw.name,
      schemaVersion: SchemaIds.raw.version,
      sourceListener: deps.listener,
    },
  };
  try {
    await deps.publisher.publish([record]);
  } catch (err) {
    return refuse(isConduitError(err) ? err : new ConduitError('CDT_KAFKA_WRITE_FAILED'));
  }
  deps.logger.info({ eventId, connection: connection.id, messageType: `${header.messageCode}^${header.triggerEvent}` }, 'message stored');
  return { ack: buildAck({ code: 'AA', header, delimiters: message.delimiters, controlId: ackControlId, timestamp: formatHl7Timestamp(now) }), code: 'AA' };
}

/** The answer to a frame that exceeded the listener's size cap. */
export function refuseOversized(now: Date): string {
  const entry = getCatalogEntry('CDT_MLLP_FRAME_TOO_LARGE');
  return buildAck({ code: entry.ack, errors: [{ entry }], controlId: deriveEventId('ack', String(now.getTime())).slice(0, 20), timestamp: formatHl7Timestamp(now) });
}
