import type { KafkaMessage } from 'kafkajs';
import { decodeHeaders, type EnvelopeHeaders } from './headers.ts';

export interface InboundRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Partial<EnvelopeHeaders>;
}

/** One consumed message as every Conduit consumer reads it: key as text, headers decoded. */
export function toInboundRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ?? Buffer.alloc(0),
    headers: decodeHeaders(m.headers),
  };
}
