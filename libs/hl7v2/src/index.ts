export { MllpDecoder, encodeMllpFrame, MLLP_START, MLLP_END, MLLP_CR, type MllpEvent, type MllpDecoderStats } from './mllp-frame.ts';
export { DEFAULT_DELIMITERS, type Hl7Delimiters } from './delimiters.ts';
export { unescapeValue, escapeValue } from './escape.ts';
export { parseHl7, readDelimiters, Hl7Segment, type Hl7Message, type ParseOptions } from './parse.ts';
export { readHeader, type Hl7Header } from './header.ts';
export { buildAck, formatHl7Timestamp, AckCode, type AckOptions, type AckError } from './ack.ts';
export { findPatientIdentity, type PatientIdentity } from './patient-identity.ts';
export { sendWithReferenceClient, type ReferenceSendOptions } from './reference-sender.ts';
