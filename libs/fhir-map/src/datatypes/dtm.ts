/*
 * DTM  := YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]     (v2.5 §2.A.22; TS.1 before v2.6)
 * TM   := HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]                   (§2.A.75)
 *
 * DTM[dateTime] keeps the source precision (IG §9), except that a FHIR dateTime with a time
 * needs seconds and an offset: missing minutes/seconds are zero, a missing offset comes from
 * the configured time zone (MSH[Bundle]: "MSH-7 may lack an offset … local config").
 * Invalid or impossible values give undefined; the caller leaves them in the mapping report.
 */

const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;
const TM = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?(?:[+-]\d{4})?$/;

export interface DateConverter {
  /** FHIR dateTime (year, year-month, date, or full time with offset). */
  dateTime(value: string): string | undefined;
  /** FHIR instant: needs at least hours; minutes and seconds default to zero. */
  instant(value: string): string | undefined;
  /** FHIR date: the date part only. */
  date(value: string): string | undefined;
  /** FHIR time (hh:mm:ss[.f]); an offset is dropped, FHIR time has none. */
  time(value: string): string | undefined;
  /** True when the value carries more than a date (PID-7 → birthTime extension). */
  hasTime(value: string): boolean;
}

interface Parts {
  y: number; mo?: number; d?: number; h?: number; mi: number; s: number; frac: string; offset?: string;
  ys: string; mos: string; ds: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month mo (1–12) of year y, proleptic Gregorian as Date.UTC counts them, without a Date per value. */
function daysIn(y: number, mo: number): number {
  return mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS_IN_MONTH[mo - 1]!;
}

function parse(value: string): Parts | undefined {
  const m = DTM.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (y === 0) return undefined;
  const p: Parts = { y, mi: 0, s: 0, frac: m[7] ?? '', ys: m[1]!, mos: m[2] ?? '', ds: m[3] ?? '' };
  if (m[2] !== undefined) {
    p.mo = Number(m[2]);
    if (p.mo < 1 || p.mo > 12) return undefined;
  }
  if (m[3] !== undefined) {
    p.d = Number(m[3]);
    if (p.d < 1 || p.d > daysIn(y, p.mo!)) return undefined;
  }
  if (m[4] !== undefined) {
    p.h = Number(m[4]);
    p.mi = m[5] === undefined ? 0 : Number(m[5]);
    p.s = m[6] === undefined ? 0 : Number(m[6]);
    if (p.h > 23 || p.mi > 59 || p.s > 59) return undefined;
  }
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    // FHIR offsets run from -12:00 to +14:00 (dateTime regex: (0[0-9]|1[0-3]):[0-5][0-9]|14:00).
    if (om > 59 || oh > 14 || (oh === 14 && om !== 0)) return undefined;
    p.offset = `${m[8]}${m[9]}:${m[10]}`;
  }
  return p;
}

const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Offset of an IANA zone at a local wall-clock time, as ±hh:mm; memoised per zone and hour. */
function createZoneOffsets(timeZone: string): (p: Parts) => string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return () => '+00:00';
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offsetAt = (epoch: number): number => {
    const f: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(epoch))) if (part.type !== 'literal') f[part.type] = Number(part.value);
    return Math.round((Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - epoch) / 60000);
  };
  const memo = new Map<string, string>();
  return (p) => {
    const key = `${p.ys}${p.mos}${p.ds}${p.h}`;
    let out = memo.get(key);
    if (out === undefined) {
      const local = Date.UTC(p.y, p.mo! - 1, p.d!, p.h!, p.mi);
      let minutes = offsetAt(local);
      const second = offsetAt(local - minutes * 60000);
      if (second !== minutes) minutes = second;
      const abs = Math.abs(minutes);
      out = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
      if (memo.size > 4096) memo.clear();
      memo.set(key, out);
    }
    return out;
  };
}

export function createDateConverter(timeZone = 'UTC'): DateConverter {
  const zoneOffset = createZoneOffsets(timeZone);
  const full = (p: Parts): string =>
    `${p.ys}-${p.mos}-${p.ds}T${pad(p.h!)}:${pad(p.mi)}:${pad(p.s)}${p.frac ? `.${p.frac}` : ''}${p.offset ?? zoneOffset(p)}`;
  return {
    dateTime(value) {
      const p = parse(value);
      if (!p) return undefined;
      if (p.mo === undefined) return p.ys;
      if (p.d === undefined) return `${p.ys}-${p.mos}`;
      if (p.h === undefined) return `${p.ys}-${p.mos}-${p.ds}`;
      return full(p);
    },
    instant(value) {
      const p = parse(value);
      return p?.h === undefined ? undefined : full(p);
    },
    date(value) {
      const p = parse(value);
      if (!p) return undefined;
      if (p.mo === undefined) return p.ys;
      if (p.d === undefined) return `${p.ys}-${p.mos}`;
      return `${p.ys}-${p.mos}-${p.ds}`;
    },
    time(value) {
      const m = TM.exec(value);
      if (!m) return undefined;
      const h = Number(m[1]);
      const mi = m[2] === undefined ? 0 : Number(m[2]);
      const s = m[3] === undefined ? 0 : Number(m[3]);
      if (h > 23 || mi > 59 || s > 59) return undefined;
      return `${pad(h)}:${pad(mi)}:${pad(s)}${m[4] ? `.${m[4]}` : ''}`;
    },
    hasTime(value) {
      return parse(value)?.h !== undefined;
    },
  };
}

/** Throws a RangeError for an unknown IANA zone; used to check configuration up front. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

const converters = new Map<string, DateConverter>();

/**
 * The process's converter for a zone, made once, so that the zone's offsets are remembered across
 * messages (one per message made an Intl.DateTimeFormat, and looked up the offsets, per message).
 * Converted values are not remembered: a value read from a message is a slice of it, and as a
 * map key would keep the whole message alive (that cost the normalize bench 15 MB of RSS).
 */
export function dateConverterFor(timeZone = 'UTC'): DateConverter {
  let converter = converters.get(timeZone);
  if (converter === undefined) {
    converter = createDateConverter(timeZone);
    converters.set(timeZone, converter);
  }
  return converter;
}
