import type { Hl7Message } from './parse.ts';

/** The MSH facts every stage needs; none of them is PHI. */
export interface Hl7Header {
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly receivingApplication: string;
  readonly receivingFacility: string;
  readonly messageTime: string;
  readonly messageCode: string;
  readonly triggerEvent: string;
  readonly messageStructure: string;
  readonly controlId: string;
  readonly processingId: string;
  readonly version: string;
  /** MSH-15 / MSH-16: empty in original acknowledgment mode. */
  readonly acceptAckType: string;
  readonly applicationAckType: string;
  readonly characterSet: string;
}

export function readHeader(message: Hl7Message): Hl7Header {
  const m = message.msh;
  return {
    sendingApplication: m.get(3),
    sendingFacility: m.get(4),
    receivingApplication: m.get(5),
    receivingFacility: m.get(6),
    messageTime: m.get(7),
    messageCode: m.get(9, 1, 1),
    triggerEvent: m.get(9, 1, 2),
    messageStructure: m.get(9, 1, 3),
    controlId: m.get(10),
    processingId: m.get(11),
    version: m.get(12),
    acceptAckType: m.get(15),
    applicationAckType: m.get(16),
    characterSet: m.get(18),
  };
}
