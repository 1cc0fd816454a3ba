import { randomUUID } from 'node:crypto';
import { getCatalogEntry } from '@conduit/errors';
import { ackCodeFor, buildAck, formatHl7Timestamp, wantsAcceptAck, type AckCode, type AckError, type AckOutcome, type Hl7Charset, type Hl7Header } from '@conduit/hl7v2';
import type { MllpReply } from '@conduit/mllp';
import type { IntakeOutcome, Refusal } from './intake.ts';

/*
 * Which acknowledgments a sender gets (v2.5 §2.9):
 *
 * Original mode (MSH-15 and MSH-16 both empty): one ACK per message. AA only for a message Kafka
 * acknowledged (or a duplicate of one); AE/AR with ERR segments for a refusal; AE with the
 * retriable CDT_KAFKA_WRITE_FAILED when the write failed or timed out.
 *
 * Enhanced mode (either valued): an accept acknowledgment when MSH-15 asks for it in this case
 * (table 0155 AL/ER/SU/NE): CA only after the durable write, CE/CR when the message was not
 * committed. Then, for a committed message, an application acknowledgment when MSH-16 asks for
 * it. A message that was not committed gets no application processing, so its refusal goes at
 * the accept level, or at the application level when only MSH-16 asks to hear about errors. An
 * empty condition in enhanced mode means "not asked": an unrequested frame would be taken by a
 * serial sender as the answer to its next message.
 */

/** ACKs are written in the character set the message was read in. */
export function mllpReplyFor(outcome: IntakeOutcome, now: Date): MllpReply {
  if (outcome.kind === 'ignored') return { frames: [] };
  const header = outcome.header;
  const message = outcome.message;
  const result: AckOutcome = outcome.kind === 'stored' || outcome.kind === 'duplicate' ? 'accept' : outcome.kind === 'refused' ? refusalOutcome(outcome.refusals) : 'error';
  const errors: AckError[] = outcome.kind === 'refused' ? outcome.refusals.map(toAckError) : outcome.kind === 'failed' ? [toAckError({ code: outcome.code })] : [];
  const encode = (text: string) => encodeAck(text, outcome.charset ?? 'ASCII');
  const ack = (code: AckCode, withErrors: boolean) => encode(buildAck({ code, ...(header ? { header } : {}), ...(message ? { message } : {}), ...(withErrors && errors.length > 0 ? { errors } : {}), controlId: newControlId(), timestamp: formatHl7Timestamp(now) }));
  const originalCode: AckCode = result === 'accept' ? 'AA' : result === 'error' ? 'AE' : 'AR';

  if (!isEnhanced(header)) return { frames: [ack(originalCode, true)] };
  const frames: Buffer[] = [];
  const acceptWanted = header.acceptAckType !== '' && wantsAcceptAck(header, result);
  const applicationWanted = wantsApplicationAck(header, result);
  if (result === 'accept') {
    if (acceptWanted) frames.push(ack(ackCodeFor(header, 'accept'), false));
    if (applicationWanted) frames.push(ack('AA', false));
    return { frames };
  }
  if (acceptWanted) return { frames: [ack(ackCodeFor(header, result), true)] };
  if (applicationWanted) return { frames: [ack(originalCode, true)] };
  // A temporary failure nobody asked to hear about: closing the link is the only signal left
  // that the message was not taken.
  return outcome.kind === 'failed' ? { frames: [], close: true } : { frames: [] };
}

/** The answer to a frame discarded for its size: there is no header to echo. */
export function oversizedReply(now: Date): MllpReply {
  return { frames: [encodeAck(buildAck({ code: 'AR', errors: [toAckError({ code: 'CDT_MLLP_FRAME_TOO_LARGE' })], controlId: newControlId(), timestamp: formatHl7Timestamp(now) }), 'ASCII')] };
}

function isEnhanced(header: Hl7Header | undefined): header is Hl7Header {
  return header !== undefined && (header.acceptAckType !== '' || header.applicationAckType !== '');
}

/** MSH-16 (table 0155); empty is "never" in enhanced mode, an unknown value is "always". */
function wantsApplicationAck(header: Hl7Header, outcome: AckOutcome): boolean {
  switch (header.applicationAckType) {
    case '':
    case 'NE': return false;
    case 'ER': return outcome !== 'accept';
    case 'SU': return outcome === 'accept';
    default: return true;
  }
}

/** The first refusal decides, which is why policy and header refusals (AR) come first. */
function refusalOutcome(refusals: readonly Refusal[]): AckOutcome {
  const first = refusals[0];
  return first !== undefined && getCatalogEntry(first.code).ack === 'AR' ? 'reject' : 'error';
}

function toAckError(r: Refusal): AckError {
  return { entry: getCatalogEntry(r.code), ...(r.location ? { location: r.location } : {}) };
}

/** MSH-10 of our ACKs: unique, and within the 20 characters v2.5 allows. */
function newControlId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 20);
}

/**
 * ACK text in the message's character set. Catalog sentences may hold characters the set lacks
 * (an ellipsis in ASCII): those become "?" rather than failing the answer.
 */
function encodeAck(text: string, charset: Hl7Charset): Buffer {
  if (charset === 'UNICODE UTF-8') return Buffer.from(text, 'utf8');
  const outside = charset === 'ASCII' ? /[^\x00-\x7f]/g : /[^\x00-\xff]/g;
  return Buffer.from(text.replace(outside, '?'), 'latin1');
}
