import type { Attachment } from '@medplum/fhirtypes';
import type { Components } from '../segment-reader.ts';
import { DATA_TYPE_MIME } from '../vocab/clinical.ts';

const mimeTypes: Readonly<Record<string, string>> = DATA_TYPE_MIME;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX = /^([0-9A-Fa-f]{2})*$/;

/** ED.2/ED.3 (RP.3/RP.4) → MIME type: a subtype holding a slash is one already; else type-of-data/subtype. */
export function mimeType(typeOfData: string, subtype: string): string | undefined {
  const sub = subtype.toLowerCase();
  if (sub.includes('/')) return sub;
  if (sub === 'octet-stream') return 'application/octet-stream';
  const top = mimeTypes[typeOfData.toUpperCase()];
  if (!top) return undefined;
  if (sub) return `${top}/${sub}`;
  return top === 'text' ? 'text/plain' : undefined;
}

/**
 * ED → Attachment (IG ED[Attachment]): ED.3 (with ED.2) → contentType, ED.5 → data, converted
 * to base64 from ED.4 encoding A (none) or Hex; Base64 is checked and kept. Undefined when the
 * data cannot be decoded: the value then stays in the report.
 */
export function edToAttachment(c: Components): Attachment | undefined {
  const type = c.get(2);
  const sub = c.get(3);
  const encoding = c.get(4).toUpperCase();
  const raw = c.text(5);
  let data: string | undefined;
  if (raw !== '') {
    const compact = raw.replace(/\s+/g, '');
    if (encoding === 'BASE64' && BASE64.test(compact)) data = compact;
    else if (encoding === 'HEX' && HEX.test(compact)) data = Buffer.from(compact, 'hex').toString('base64');
    else if (encoding === 'A' || encoding === '') data = Buffer.from(raw, 'utf8').toString('base64');
    else {
      c.drop(4);
      c.drop(5);
      return undefined;
    }
  }
  const contentType = mimeType(type, sub);
  if (!contentType) {
    if (type) c.drop(2);
    if (sub) c.drop(3);
  }
  // att-1: an Attachment with data needs a contentType.
  return { contentType: contentType ?? (data ? 'application/octet-stream' : undefined), data };
}

/** RP → Attachment (IG RP[Attachment]): RP.1 pointer → url, RP.3/RP.4 → contentType. */
export function rpToAttachment(c: Components): Attachment | undefined {
  const url = c.get(1);
  if (url === '' || /\s/.test(url)) {
    if (url) c.drop(1);
    return undefined;
  }
  const type = c.get(3);
  const sub = c.get(4);
  const contentType = mimeType(type, sub);
  if (!contentType) {
    if (type) c.drop(3);
    if (sub) c.drop(4);
  }
  return { contentType, url };
}
