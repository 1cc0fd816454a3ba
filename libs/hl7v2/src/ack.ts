import { getCatalogEntry, type CatalogEntry } from '@conduit/errors';
import { DEFAULT_DELIMITERS, type Hl7Delimiters } from './delimiters.ts';
import { escapeValue } from './escape.ts';
import { readHeader, type Hl7Header } from './header.ts';
import type { Hl7Message } from './parse.ts';
import { ERROR_CONDITIONS } from './tables.ts';
import type { ValidationIssue } from './validate.ts';

/** HL7 table 0008 acknowledgment codes (original mode A*, enhanced accept C*). */
export const AckCode = { AA: 'AA', AE: 'AE', AR: 'AR', CA: 'CA', CE: 'CE', CR: 'CR' } as const;
export type AckCode = (typeof AckCode)[keyof typeof AckCode];

export interface AckError {
  readonly entry: CatalogEntry;
  /** ERR-2 error location (ERL): segment id, sequence, field, repetition, component. */
  readonly location?: { readonly segment: string; readonly sequence?: number; readonly field?: number; readonly repetition?: number; readonly component?: number };
}

export interface AckOptions {
  readonly code: AckCode;
  /** The header of the message acknowledged; read from `message` when absent; missing when MSH itself was unreadable. */
  readonly header?: Hl7Header;
  /** The message acknowledged: lets MSH-5/6 echo MSH-3/4 whole (HD with its OID components). */
  readonly message?: Hl7Message;
  readonly delimiters?: Hl7Delimiters;
  readonly errors?: readonly AckError[];
  readonly controlId: string;
  /** YYYYMMDDHHMMSS±ZZZZ */
  readonly timestamp: string;
  readonly application?: string;
  readonly facility?: string;
}

/** ERR segments are capped so a message with thousands of bad OBX gets a bounded answer. */
const MAX_ERR_SEGMENTS = 25;

/**
 * Builds an ACK (v2.5 §2.9.2): the sender and receiver of the original swap places; MSA-2 echoes
 * the original MSH-10; each error becomes an ERR segment in the v2.5 layout (ERR-2 location,
 * ERR-3 HL7 0357 code, ERR-4 severity, ERR-5 our catalog code, ERR-8 remediation for the
 * sender's analyst). Senders on v2.3/v2.4 also get ERR-1 (ELD), the only ERR field they know,
 * and MSA-3 text is sent only before v2.7, which withdrew it.
 */
export function buildAck(o: AckOptions): string {
  const d = o.delimiters ?? o.message?.delimiters ?? DEFAULT_DELIMITERS;
  const h = o.header ?? (o.message ? readHeader(o.message) : undefined);
  const esc = (v: string) => escapeValue(v, d);
  const enc = `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation}`;
  const trigger = h?.triggerEvent ?? '';
  const version = h?.version || '2.5.1';
  const original = o.message !== undefined && sameDelimiters(o.message.delimiters, d) ? o.message.msh : undefined;
  const msh = [
    'MSH', enc,
    esc(o.application ?? h?.receivingApplication ?? 'CONDUIT'),
    esc(o.facility ?? h?.receivingFacility ?? ''),
    original ? original.rawField(3) : esc(h?.sendingApplication ?? ''),
    original ? original.rawField(4) : esc(h?.sendingFacility ?? ''),
    o.timestamp,
    '',
    ['ACK', esc(trigger), 'ACK'].join(d.component),
    esc(o.controlId),
    original ? original.rawField(11) || 'P' : esc(h?.processingId || 'P'),
    esc(version),
  ].join(d.field);
  const errors = (o.errors ?? []).slice(0, MAX_ERR_SEGMENTS);
  const firstError = errors[0];
  const msa = ['MSA', o.code, esc(h?.controlId ?? ''), ...(firstError && versionBefore(version, 2, 7) ? [esc(firstError.entry.message)] : [])].join(d.field);
  const legacy = versionBefore(version, 2, 5);
  const errs = errors.map((e) => buildErr(e, d, legacy));
  return [msh, msa, ...errs].join('\r') + '\r';
}

function buildErr(e: AckError, d: Hl7Delimiters, legacy: boolean): string {
  const esc = (v: string) => escapeValue(v, d);
  const l = e.location;
  const erl = l ? trimEmpty([l.segment, String(l.sequence ?? 1), num(l.field), num(l.repetition), num(l.component)]).join(d.component) : '';
  const condition = ERROR_CONDITIONS[e.entry.hl7] ?? '';
  // ERR-1 (ELD, the v2.3/v2.4 layout): segment ^ sequence ^ field ^ code&text&HL70357.
  const eld = legacy && l ? [l.segment, String(l.sequence ?? 1), num(l.field), [e.entry.hl7, esc(condition), 'HL70357'].join(d.subcomponent)].join(d.component) : '';
  return [
    'ERR', eld, erl,
    [e.entry.hl7, esc(condition), 'HL70357'].join(d.component),
    e.entry.severity,
    // Local coding systems are named 99zzz (table 0396).
    [e.entry.code, esc(e.entry.message), '99CDT'].join(d.component),
    '', '',
    esc(e.entry.remediation),
  ].join(d.field);
}

/**
 * A refusing ACK for validation issues. The first issue's catalog ack decides AE or AR, which is
 * why validateMessage reports header refusals first; in enhanced mode (MSH-15 valued) the codes
 * become CE / CR.
 */
export function buildNack(issues: readonly ValidationIssue[], o: Omit<AckOptions, 'code' | 'errors'>): string {
  const first = issues[0];
  if (first === undefined) throw new RangeError('buildNack needs at least one issue');
  const outcome = getCatalogEntry(first.code).ack === 'AR' ? 'reject' : 'error';
  return buildAck({
    ...o,
    code: ackCodeFor(o.header ?? (o.message ? readHeader(o.message) : undefined), outcome),
    errors: issues.map((issue) => ({ entry: getCatalogEntry(issue.code), location: issue.location })),
  });
}

export type AckOutcome = 'accept' | 'error' | 'reject';

/**
 * Original mode answers AA/AE/AR; enhanced mode, chosen by the sender valuing MSH-15 (v2.5
 * §2.9.3), gets the accept acknowledgments CA/CE/CR, which we send only after storing durably.
 */
export function ackCodeFor(header: Hl7Header | undefined, outcome: AckOutcome): AckCode {
  const enhanced = (header?.acceptAckType ?? '') !== '';
  if (outcome === 'accept') return enhanced ? 'CA' : 'AA';
  if (outcome === 'error') return enhanced ? 'CE' : 'AE';
  return enhanced ? 'CR' : 'AR';
}

/**
 * Whether the sender asked for an accept acknowledgment in this case (MSH-15, table 0155: AL
 * always, NE never, ER only on error or reject, SU only on success). Original mode always is.
 */
export function wantsAcceptAck(header: Hl7Header | undefined, outcome: AckOutcome): boolean {
  switch (header?.acceptAckType ?? '') {
    case 'NE': return false;
    case 'ER': return outcome !== 'accept';
    case 'SU': return outcome === 'accept';
    default: return true;
  }
}

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

function trimEmpty(parts: string[]): string[] {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return parts.slice(0, end);
}

function sameDelimiters(a: Hl7Delimiters, b: Hl7Delimiters): boolean {
  return a.field === b.field && a.component === b.component && a.repetition === b.repetition && a.escape === b.escape && a.subcomponent === b.subcomponent;
}

/** True when an HL7 version such as "2.3.1" is older than major.minor. */
function versionBefore(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (m === null) return false;
  const [vMajor, vMinor] = [Number(m[1]), Number(m[2])];
  return vMajor < major || (vMajor === major && vMinor < minor);
}

/** HL7 DTM with offset, second precision, for MSH-7 of the messages we write. */
export function formatHl7Timestamp(date: Date): string {
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const offset = -date.getTimezoneOffset();
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}${pad(offset % 60)}`;
}
