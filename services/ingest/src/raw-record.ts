import { createHash } from 'node:crypto';
import { newTraceparent, type BusRecord } from '@conduit/bus';
import { SchemaIds, type RawMessageRecord } from '@conduit/events';
import { findPatientIdentity, type Hl7Charset, type Hl7Header, type Hl7Message } from '@conduit/hl7v2';
import { derivePatientKey } from '@conduit/keys';
import type { IntakeOrigin } from './intake.ts';

export interface AcceptedMessage {
  readonly header: Hl7Header;
  readonly message: Hl7Message;
  readonly charset: Hl7Charset;
  readonly correlationId: string;
  readonly eventId: string;
  readonly receivedAt: Date;
}

/**
 * The raw-topic record (schemas/raw-message.schema.json): the message as received plus receipt
 * metadata. Keyed by a keyed hash of the patient (architecture: no PHI in keys), or by the
 * sending facility for messages without one.
 */
export function buildRawRecord(m: AcceptedMessage, origin: IntakeOrigin, o: { topic: string; patientKeySecret: Buffer }): BusRecord & { readonly value: RawMessageRecord } {
  const { header } = m;
  const identity = findPatientIdentity(m.message);
  const value: RawMessageRecord = {
    receivedAt: m.receivedAt.toISOString(),
    listener: origin.listener.name,
    transport: origin.transport,
    peer: { address: origin.remoteAddress, ...(origin.certificateSubject ? { certificateSubject: origin.certificateSubject } : {}) },
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
    charset: m.charset,
    hl7: withCarriageReturns(m.message),
  };
  return {
    topic: o.topic,
    key: identity ? derivePatientKey(o.patientKeySecret, identity.authority, identity.mrn) : `source:${header.sendingFacility}`,
    value,
    timestamp: m.receivedAt.getTime(),
    headers: {
      eventId: m.eventId,
      correlationId: m.correlationId,
      traceparent: newTraceparent(),
      schema: SchemaIds.raw.name,
      schemaVersion: SchemaIds.raw.version,
      sourceListener: origin.listener.name,
    },
  };
}

/**
 * What makes a resend a resend: the message type and every segment after MSH. MSH itself is left
 * out because some engines restamp MSH-7 when they resend from their queue; segment terminators
 * are left out so the same message over MLLP (CR) and HTTP (LF) is one message.
 */
export function fingerprintOf(message: Hl7Message): string {
  const h = createHash('sha256').update(message.msh.rawField(9));
  for (const segment of message.segments.slice(1)) h.update('\r').update(segment.raw);
  return h.digest('base64url').slice(0, 22);
}

/** HTTP and file senders may end segments with LF or CR LF; the raw topic holds CR (v2.5 §2.5.1). */
function withCarriageReturns(message: Hl7Message): string {
  if (!message.raw.includes('\n')) return message.raw;
  return `${message.segments.map((s) => s.raw).join('\r')}\r`;
}
