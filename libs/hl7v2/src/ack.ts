import type { CatalogEntry } from '@conduit/errors';
import { DEFAULT_DELIMITERS, type Hl7Delimiters } from './delimiters.ts';
import { escapeValue } from './escape.ts';
import type { Hl7Header } from './header.ts';

/** HL7 table 0008 acknowledgment codes (original mode A*, enhanced accept C*). */
export const AckCode = { AA: 'AA', AE: 'AE', AR: 'AR', CA: 'CA', CE: 'CE', CR: 'CR' } as const;
export type AckCode = (typeof AckCode)[keyof typeof AckCode];

export interface AckError {
  readonly entry: CatalogEntry;
  /** ERR-2 error location (ERL): segment id, sequence, field, repetition, component, subcomponent. */
  readonly location?: { readonly segment: string; readonly sequence?: number; readonly field?: number; readonly repetition?: number; readonly component?: number };
}

export interface AckOptions {
  readonly code: AckCode;
  /** The header of the message acknowledged; missing when MSH itself was unreadable. */
  readonly header?: Hl7Header;
  readonly delimiters?: Hl7Delimiters;
  readonly errors?: readonly AckError[];
  readonly controlId: string;
  /** YYYYMMDDHHMMSS±ZZZZ */
  readonly timestamp: string;
  readonly application?: string;
  readonly facility?: string;
}

/**
 * Builds an ACK: the sender and receiver of the original swap places; MSA-2 echoes the original
 * MSH-10; each error becomes an ERR segment (v2.5 layout: ERR-2 location, ERR-3 HL7 0357 code,
 * ERR-4 severity, ERR-5 our catalog code, ERR-8 remediation for the sender's analyst).
 */
export function buildAck(o: AckOptions): string {
  const d = o.delimiters ?? DEFAULT_DELIMITERS;
  const h = o.header;
  const esc = (v: string) => escapeValue(v, d);
  const enc = `${d.component}${d.repetition}${d.escape}${d.subcomponent}`;
  const trigger = h?.triggerEvent ?? '';
  const msh = [
    'MSH', enc,
    esc(o.application ?? h?.receivingApplication ?? 'CONDUIT'),
    esc(o.facility ?? h?.receivingFacility ?? ''),
    esc(h?.sendingApplication ?? ''),
    esc(h?.sendingFacility ?? ''),
    o.timestamp,
    '',
    `ACK${trigger ? `${d.component}${esc(trigger)}` : ''}${d.component}ACK`,
    esc(o.controlId),
    esc(h?.processingId || 'P'),
    esc(h?.version || '2.5.1'),
  ].join(d.field);
  const firstError = o.errors?.[0];
  const msa = ['MSA', o.code, esc(h?.controlId ?? ''), ...(firstError ? [esc(firstError.entry.message)] : [])].join(d.field);
  const errs = (o.errors ?? []).map((e) => {
    const loc = e.location
      ? [e.location.segment, e.location.sequence ?? 1, e.location.field ?? '', e.location.repetition ?? '', e.location.component ?? ''].join(d.component).replace(new RegExp(`\\${d.component}+$`), '')
      : '';
    return [
      'ERR', '', loc,
      [e.entry.hl7, esc(e.entry.message), 'HL70357'].join(d.component),
      e.entry.severity,
      [e.entry.code, esc(e.entry.message), 'CONDUIT'].join(d.component),
      '', '',
      esc(e.entry.remediation),
    ].join(d.field);
  });
  return [msh, msa, ...errs].join('\r') + '\r';
}

/** HL7 DTM with offset, second precision, for MSH-7 of the messages we write. */
export function formatHl7Timestamp(date: Date): string {
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const offset = -date.getTimezoneOffset();
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}${pad(offset % 60)}`;
}
