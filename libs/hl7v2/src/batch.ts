import { ConduitError } from '@conduit/errors';
import { readDelimitersAt, type Hl7Delimiters } from './delimiters.ts';
import { locateSegments } from './locate-segments.ts';
import { parseHl7, type Hl7Message, type ParseOptions } from './parse.ts';
import { grammarOf, Hl7Segment } from './segment.ts';

/*
 * HL7 batch protocol (v2.5 §2.10.3):
 *   file  := [FHS] { batch } [FTS]
 *   batch := [BHS] { message } [BTS]
 * Files of several messages arrive over HTTP and SFTP, never over MLLP (one message per frame).
 * A text that is a single message parses as a batch of one without envelope.
 */

export interface Hl7Batch {
  readonly raw: string;
  readonly delimiters: Hl7Delimiters;
  /** FHS, BHS, BTS and FTS segments in the order they appear. */
  readonly envelope: readonly Hl7Segment[];
  readonly messages: readonly Hl7Message[];
}

const ENVELOPE = new Set(['FHS', 'BHS', 'BTS', 'FTS']);

export function parseHl7Batch(text: string, options: ParseOptions = {}): Hl7Batch {
  const delimiters = readDelimitersAt(text, 0);
  const { bounds } = locateSegments(text, 0, text.length, delimiters.field, options.lenientSegmentTerminators === true);
  const grammar = grammarOf(delimiters);
  const envelope: Hl7Segment[] = [];
  const messages: Hl7Message[] = [];
  let messageStart = -1;
  const closeMessage = (at: number) => {
    if (messageStart !== -1) messages.push(parseHl7(text.slice(messageStart, at), options));
    messageStart = -1;
  };
  for (let i = 0; i < bounds.length; i += 2) {
    const start = bounds[i]!;
    const name = text.slice(start, start + 3);
    if (name === 'MSH') {
      closeMessage(start);
      messageStart = start;
    } else if (ENVELOPE.has(name)) {
      closeMessage(start);
      envelope.push(new Hl7Segment(text, grammar, start, bounds[i + 1]!));
    } else if (messageStart === -1) {
      throw new ConduitError('CDT_HL7_NOT_HL7', `segment ${i / 2 + 1} is outside any message`);
    }
  }
  closeMessage(text.length);
  return { raw: text, delimiters, envelope, messages };
}
