import { encodeHl7Text, type Hl7Charset } from './charset.ts';

/**
 * The wire text of a parsed message or batch. Parsed messages are read-only views over the text
 * they were parsed from, so this is that text, byte for byte: nothing is re-serialised, and an
 * archived or forwarded message is exactly what the sender sent (escapes, trailing separators,
 * explicit nulls and all).
 */
export function encodeHl7(message: { readonly raw: string }): string {
  return message.raw;
}

/** The wire bytes: with the charset decodeHl7Bytes reported, the bytes that were received. */
export function encodeHl7Bytes(message: { readonly raw: string }, charset: Hl7Charset): Buffer {
  return encodeHl7Text(message.raw, charset);
}
