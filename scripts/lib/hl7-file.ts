import { readFileSync } from 'node:fs';

/**
 * Reads the messages of an .hl7 file: line endings normalised to \r (files are often saved
 * with \n), one message per MSH. Batch envelopes (FHS/BHS/BTS/FTS) are left out.
 */
export function readHl7File(path: string): string[] {
  const text = readFileSync(path, 'utf8').replace(/\r\n|\n/g, '\r');
  const messages: string[] = [];
  for (const seg of text.split('\r')) {
    if (seg.trim() === '') continue;
    if (/^(FHS|BHS|BTS|FTS)/.test(seg)) continue;
    if (seg.startsWith('MSH') || messages.length === 0) messages.push('');
    messages[messages.length - 1] += `${seg}\r`;
  }
  return messages;
}
