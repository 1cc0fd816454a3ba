// Normalize throughput per process: the service's per-record work (normalizeRecord: decode the raw
// record, parse, map to FHIR R4, validate every resource and the canonical event, encode it to the
// JSON the publisher writes). `node_modules/.bin/node scripts/bench/normalize.ts` or
// `npm run bench normalize`.
//
// Workload: a deterministic mix of ADT (A01 A02 A03 A04 A08, ~3.5 KB with PD1, NK1, PV1/PV2, AL1,
// DG1, IN1, OBX) and ORU^R01 (10–25 OBX each), generated from a seeded PRNG. Every round maps
// messages it has not seen (fresh control ids, visits, orders and results); like a real feed it
// repeats what real feeds repeat — 600 patients with stable demographics, 40 doctors, three
// facilities. Every resource of every message is validated (nothing is remembered across messages).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InboundRecord } from '@conduit/bus';
import { Topics, createRecordValidators, type RawMessageRecord } from '@conduit/events';
import { createFhirValidator, loadMappingSettings, type FhirValidator } from '@conduit/fhir-map';
import { parseHl7, readHeader } from '@conduit/hl7v2';
import { normalizeRecord, type NormalizeDeps } from '../../services/normalize/src/normalize-record.ts';
import { compileCacheEnv } from '../lib/compile-cache.ts';
import { serviceV8Flags } from '../lib/service-process.ts';
import { seededRandom } from './lib/seeded-random.ts';

const TARGET_PER_SECOND = 2000;
const RSS_LIMIT_MB = 150;
const MESSAGES_PER_ROUND = 1000;
const BATCH = 100;
const ROUNDS = 5;


const FAMILY = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ', 'O\\T\\NEIL', 'NGUYEN'];
const GIVEN = ['JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'ELIZABETH'];
const DOCTORS = Array.from({ length: 40 }, (_, i) => `${1000 + i}^${FAMILY[i % FAMILY.length]}^${GIVEN[(i * 7) % GIVEN.length]}^^^DR^^^NPI&2.16.840.1.113883.4.6&ISO`);
const FACILITIES = ['GOODHEALTH', 'NORTHSIDE', 'LAKEVIEW'];
const LABS: readonly (readonly [string, string, string, number, number])[] = [
  ['2345-7', 'Glucose', 'mg/dL', 70, 99], ['2160-0', 'Creatinine', 'mg/dL', 0.6, 1.3], ['3094-0', 'Urea nitrogen', 'mg/dL', 7, 20],
  ['2951-2', 'Sodium', 'mmol/L', 136, 145], ['2823-3', 'Potassium', 'mmol/L', 3.5, 5.1], ['2075-0', 'Chloride', 'mmol/L', 98, 107],
  ['2028-9', 'Carbon dioxide', 'mmol/L', 22, 29], ['17861-6', 'Calcium', 'mg/dL', 8.6, 10.3], ['2885-2', 'Protein', 'g/dL', 6, 8.3],
  ['1751-7', 'Albumin', 'g/dL', 3.5, 5.2], ['1975-2', 'Bilirubin total', 'mg/dL', 0.1, 1.2], ['6768-6', 'Alkaline phosphatase', 'U/L', 40, 129],
  ['1742-6', 'ALT', 'U/L', 7, 56], ['1920-8', 'AST', 'U/L', 10, 40], ['6690-2', 'Leukocytes', '10*3/uL', 4.5, 11],
  ['789-8', 'Erythrocytes', '10*6/uL', 4.2, 5.4], ['718-7', 'Hemoglobin', 'g/dL', 12, 16], ['4544-3', 'Hematocrit', '%', 36, 46],
  ['777-3', 'Platelets', '10*3/uL', 150, 400], ['2093-3', 'Cholesterol', 'mg/dL', 0, 199], ['2571-8', 'Triglyceride', 'mg/dL', 0, 149],
  ['2085-9', 'HDL cholesterol', 'mg/dL', 40, 60], ['13457-7', 'LDL cholesterol', 'mg/dL', 0, 99], ['4548-4', 'Hemoglobin A1c', '%', 4, 5.6],
  ['3016-3', 'TSH', 'm[IU]/L', 0.4, 4],
];

/** A round's messages, one at a time (the same sequence for the same round), so a round need not hold them all. */
export function* normalizeWorkload(round: number): Generator<string, never> {
  const rnd = seededRandom(0xc0ffee + round);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  for (let i = 0; ; i++) {
    const facility = pick(FACILITIES);
    const mrnNumber = int(100000, 100600);
    const mrn = `MRN${mrnNumber}`;
    const day = `202611${String(int(1, 28)).padStart(2, '0')}`;
    const time = `${day}${String(int(0, 23)).padStart(2, '0')}${String(int(0, 59)).padStart(2, '0')}00-0500`;
    // A patient's demographics come from their MRN, as in a real feed: the same person, the same PID.
    const who = seededRandom(mrnNumber);
    const whoPick = <T>(xs: readonly T[]): T => xs[Math.floor(who() * xs.length)]!;
    const whoInt = (lo: number, hi: number) => lo + Math.floor(who() * (hi - lo + 1));
    const family = whoPick(FAMILY);
    const given = whoPick(GIVEN);
    const pid = `PID|1||${mrn}^^^${facility}^MR~${whoInt(100000000, 999999999)}^^^USSSA^SS||${family}^${given}^${whoPick(GIVEN).slice(0, 1)}^^^^L||19${whoInt(30, 99)}0${whoInt(1, 9)}1${whoInt(0, 9)}|${whoPick(['F', 'M'])}||2106-3^White^CDCREC|${whoInt(1, 9999)} ${whoPick(['MAIN', 'OAK', 'ELM', 'PARK'])} ST^APT ${whoInt(1, 40)}^SPRINGFIELD^IL^627${whoInt(10, 99)}^USA^H||^PRN^PH^^1^217^555${whoInt(1000, 9999)}|^WPN^PH^^1^217^555${whoInt(1000, 9999)}|en^English^ISO6391|${whoPick(['M', 'S', 'D'])}^^HL70002|||||||N^Not Hispanic^HL70189`;
    const visit = `V${round}${i}`;
    const pv1 = (cls: string, extra = '') => `PV1|1|${cls}|${pick(['4W', '5E', 'ICU'])}^${int(100, 450)}^${pick(['A', 'B'])}^${facility}^^^MAIN^${int(1, 6)}||||${pick(DOCTORS)}|${pick(DOCTORS)}|${pick(DOCTORS)}|${pick(['MED', 'SUR', 'CAR'])}||||7|||${pick(DOCTORS)}|IP||${visit}^^^${facility}^VN|||||||||||||||||||||||||${time}${extra}`;
    if (rnd() < 0.5) {
      const event = pick(['A01', 'A02', 'A03', 'A04', 'A08']);
      const cls = event === 'A04' ? 'O' : 'I';
      yield [
        `MSH|^~\\&|EPIC|${facility}|CONDUIT|CONDUIT|${time}||ADT^${event}^ADT_A01|ADT${round}-${i}|P|2.5.1`,
        `EVN|${event}|${time}||ADM|OP${int(1, 40)}^CLERK^CARL`,
        pid,
        `PD1|||${facility} CLINIC^^^^^^^^^C${int(1, 9)}|${pick(DOCTORS)}`,
        `NK1|1|${family}^${whoPick(GIVEN)}^^^^^L|SPO^Spouse^HL70063|${whoInt(1, 9999)} MAIN ST^^SPRINGFIELD^IL^62701^USA^H|^PRN^PH^^1^217^555${whoInt(1000, 9999)}||EC^Emergency Contact^HL70131`,
        `NK1|2|${whoPick(FAMILY)}^${whoPick(GIVEN)}^^^^^L|PAR^Parent^HL70063|${whoInt(1, 9999)} OAK ST^^SPRINGFIELD^IL^62702^USA^H|^PRN^PH^^1^217^555${whoInt(1000, 9999)}`,
        pv1(cls, event === 'A03' ? `|${day}235900-0500` : ''),
        `PV2|||CP^Chest pain^L||||||||${int(1, 9)}`,
        `AL1|1|DA|70618^Penicillin^RXNORM|SV|HIVES~ITCHING|2020010${whoInt(1, 9)}`,
        `AL1|2|FA|^Peanuts|MI|SWELLING`,
        `DG1|1||I21.4^NSTEMI^I10|||A||||||||||1|${pick(DOCTORS)}`,
        `DG1|2||E11.9^Type 2 diabetes mellitus without complications^I10|||W`,
        `IN1|1|PPO${whoInt(1, 5)}^Gold PPO|BCBS0${whoInt(1, 9)}^^^^XX|Blue Cross Blue Shield^^BCBS|PO BOX ${whoInt(1, 999)}^^CHICAGO^IL^60601||^WPN^PH^^1^800^555${whoInt(1000, 9999)}|GRP${whoInt(10, 99)}|Acme Corp|||20260101|20261231||PPO^Preferred provider|${family}^${given}|SEL|||||||||||||||||||POL-${whoInt(1000, 9999)}`,
        `OBX|1|NM|8302-2^Body height^LN||${int(150, 195)}|cm^cm^UCUM|||||F|||${time}`,
        `OBX|2|NM|29463-7^Body weight^LN||${int(50, 120)}|kg^kg^UCUM|||||F|||${time}`,
        `PR1|1||80146002^Appendectomy^SCT|Appendectomy|${time}|A|||||${pick(DOCTORS)}`,
        `ROL|1|AD|PP^Primary care provider^HL70443|${pick(DOCTORS)}|${day}`,
      ].join('\r') + '\r';
    } else {
      const n = int(10, 25);
      const obx: string[] = [];
      for (let k = 0; k < n; k++) {
        const [code, name, unit, lo, hi] = LABS[k % LABS.length]!;
        const value = (lo + (hi - lo) * rnd() * 1.3).toFixed(1);
        const flag = Number(value) > hi ? 'H' : Number(value) < lo ? 'L' : 'N';
        obx.push(`OBX|${k + 1}|NM|${code}^${name}^LN||${value}|${unit}^${unit}^UCUM|${lo}-${hi}|${flag}|||F|||${time}||${pick(DOCTORS)}|||||||${facility} LAB^^^^^^^^^CLIA${int(1, 3)}|1 LAB WAY^^SPRINGFIELD^IL^62701|${DOCTORS[0]}`);
      }
      yield [
        `MSH|^~\\&|LAB|${facility}|CONDUIT|CONDUIT|${time}||ORU^R01^ORU_R01|ORU${round}-${i}|P|2.5.1`,
        pid,
        pv1('O'),
        `ORC|RE|ORD${round}${i}^EHR|LAB${round}${i}^LAB||CM||||${time}|||${pick(DOCTORS)}`,
        `OBR|1|ORD${round}${i}^EHR|LAB${round}${i}^LAB|24323-8^Comprehensive metabolic panel^LN|||${time}|||||||||${pick(DOCTORS)}||||||${time}||CH|F`,
        'NTE|1|L|Specimen received in good condition',
        ...obx,
        `SPM|1|SP${round}${i}&EHR^SF${round}${i}&LAB||119297000^Blood specimen^SCT|||||||||||||${time}`,
      ].join('\r') + '\r';
    }
  }
}

export function generateNormalizeWorkload(round: number, count: number): string[] {
  const messages = normalizeWorkload(round);
  return Array.from({ length: count }, () => messages.next().value);
}

/** The raw-topic records ingest would have written for these messages (built while the clock is stopped). */
function rawRecords(texts: readonly string[], roundNo: number, first: number): InboundRecord[] {
  return texts.map((hl7, n) => {
    const i = first + n;
    const h = readHeader(parseHl7(hl7));
    const raw: RawMessageRecord = {
      receivedAt: '2026-11-22T13:00:00.000Z',
      listener: 'bench',
      transport: 'mllp',
      header: { sendingApplication: h.sendingApplication, sendingFacility: h.sendingFacility, messageCode: h.messageCode, triggerEvent: h.triggerEvent, controlId: h.controlId, version: h.version },
      charset: 'UTF-8',
      hl7,
    };
    return { topic: Topics.raw, partition: 0, offset: String(i), timestamp: 0, key: null, value: Buffer.from(JSON.stringify(raw)), headers: { eventId: `bench-${roundNo}-${i}`, correlationId: `bench-${roundNo}-${i}` } };
  });
}

interface RoundResult {
  /** Messages per wall-clock second. */
  readonly wall: number;
  /** Messages per second of this process's CPU time: what one core sustains when nothing else competes for it. */
  readonly cpu: number;
  /** Average canonical record, encoded. */
  readonly outputBytes: number;
  /** Average HL7 message. */
  readonly inputBytes: number;
  /** The reference measured right after the round, on its last batch's records: CPU µs per record. */
  readonly referenceMicros: number;
}

/**
 * `count` messages of a round go through in batches of BATCH raw records, as the stage takes them
 * from a fetch; each batch is generated just before it and dropped after, so the RSS is the
 * normalizer's and not the workload's. The clocks run only while a batch is normalized. The
 * reference is measured on the last batch's records as soon as the round ends, so each round's
 * ratio compares two figures taken at nearly the same moment.
 */
function round(roundNo: number, count: number, deps: NormalizeDeps): RoundResult {
  const messages = normalizeWorkload(roundNo);
  let wallMs = 0;
  let cpuMicros = 0;
  let bytes = 0;
  let inputBytes = 0;
  const lastBatch: Buffer[] = [];
  for (let first = 0; first < count; first += BATCH) {
    const texts = Array.from({ length: Math.min(BATCH, count - first) }, () => messages.next().value);
    for (const text of texts) inputBytes += Buffer.byteLength(text);
    const records = rawRecords(texts, roundNo, first);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const last = first + BATCH >= count ? lastBatch : undefined;
    for (const record of records) {
      for (const out of normalizeRecord(record, deps)) {
        bytes += (out.value as Buffer).length;
        last?.push(out.value as Buffer);
      }
    }
    const cpu = process.cpuUsage(cpuStarted);
    cpuMicros += cpu.user + cpu.system;
    wallMs += performance.now() - started;
  }
  return { wall: count / (wallMs / 1000), cpu: count / (cpuMicros / 1e6), outputBytes: bytes / count, inputBytes: inputBytes / count, referenceMicros: jsonRoundTripMicros(lastBatch) };
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * The reference: a JSON round trip of the same canonical records (JSON.parse, which builds their
 * objects natively, then JSON.stringify and the Buffer the publisher writes), CPU µs per record,
 * median of 3 passes. Whatever maps a message still builds and encodes these objects; the ratio
 * to it says how much more than that the normalizer does, on this machine at this moment.
 */
function jsonRoundTripMicros(records: readonly Buffer[]): number {
  const passes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const cpuStarted = process.cpuUsage();
    for (const record of records) Buffer.from(JSON.stringify(JSON.parse(record.toString('utf8'))));
    const cpu = process.cpuUsage(cpuStarted);
    passes.push((cpu.user + cpu.system) / records.length);
  }
  return median(passes);
}

export interface NormalizeBenchResult {
  /** Median of the rounds, wall clock. */
  readonly messagesPerSecond: number;
  /** Median of the rounds, per CPU-second of this process. */
  readonly messagesPerCpuSecond: number;
  /** The same work with the FHIR R4 validator left out, per CPU-second: the share the validator costs. */
  readonly mappingOnlyPerCpuSecond: number;
  /** Median of the rounds: normalize's CPU per message over the reference's (a JSON round trip of the same canonical records). */
  readonly referenceRatio: number;
  readonly rounds: readonly RoundResult[];
  readonly averageMessageBytes: number;
  readonly rssMb: number;
  readonly rssBeforeValidatorMb: number;
  readonly validatorLoadMs: number;
}

export async function runNormalizeBench(): Promise<NormalizeBenchResult> {
  const rssBefore = process.memoryUsage().rss;
  const loadStarted = performance.now();
  const validator = createFhirValidator();
  const validatorLoadMs = performance.now() - loadStarted;
  // As the service's main() builds them, once per process.
  const deps: NormalizeDeps = { validators: createRecordValidators(), patientKeySecret: Buffer.from('bench-secret'), fhirValidator: validator, mapping: loadMappingSettings({ timeZone: 'UTC' }) };
  const timed = (r: number, fhirValidator: FhirValidator, count = MESSAGES_PER_ROUND) => round(r, count, { ...deps, fhirValidator });
  timed(0, validator, 300);
  const rounds: RoundResult[] = [];
  for (let r = 1; r <= ROUNDS; r++) rounds.push(timed(r, validator));
  const bytes = median(rounds.map((r) => r.inputBytes));
  const rss = mb(process.memoryUsage().rss);
  const maxRss = process.resourceUsage().maxRSS / 1024;
  const passThrough: FhirValidator = { resourceTypes: [], validateBundle: () => [] };
  const mappingOnly = median([timed(1, passThrough).cpu, timed(2, passThrough).cpu]);
  const wall = median(rounds.map((r) => r.wall));
  const cpu = median(rounds.map((r) => r.cpu));
  const reference = median(rounds.map((r) => r.referenceMicros));
  const referenceRatio = median(rounds.map((r) => 1e6 / r.cpu / r.referenceMicros));
  console.log(`workload        ${ROUNDS} rounds × ${MESSAGES_PER_ROUND} new messages, ~${(bytes / 1024).toFixed(2)} KB each, ~50% ADT / ~50% ORU (10–25 OBX); canonical records ~${(median(rounds.map((r) => r.outputBytes)) / 1024).toFixed(1)} KB`);
  console.log(`validator load  ${validatorLoadMs.toFixed(0)} ms (R4 types + ${validator.resourceTypes.length} resource definitions)`);
  console.log(`rounds          ${rounds.map((x) => x.wall.toFixed(0)).join(', ')} messages/s wall; ${rounds.map((x) => x.cpu.toFixed(0)).join(', ')} per CPU-second`);
  console.log(`throughput      ${wall.toFixed(0)} messages/s wall (median)   target ${TARGET_PER_SECOND}   ratio ${(wall / TARGET_PER_SECOND).toFixed(2)}`);
  console.log(`                ${cpu.toFixed(0)} messages per CPU-second (median)   ratio ${(cpu / TARGET_PER_SECOND).toFixed(2)}   (wall < CPU when other processes share the cores)`);
  console.log(`reference       a JSON round trip of the same canonical records (parse, stringify, Buffer): ${reference.toFixed(0)} CPU µs each (median); normalize: ${(1e6 / cpu).toFixed(0)} µs, ${referenceRatio.toFixed(1)}× that (median of the rounds' ratios; 2,000 msg/s here is ${(500 / reference).toFixed(1)}×)`);
  console.log(`without FHIR    ${mappingOnly.toFixed(0)} messages per CPU-second with the FHIR R4 validator left out: it takes ${((1 - cpu / mappingOnly) * 100).toFixed(0)}% of the time`);
  console.log(`RSS             ${maxRss.toFixed(0)} MB peak, ${rss.toFixed(0)} MB at the end; ${mb(rssBefore).toFixed(0)} MB before the validator loaded   limit ${RSS_LIMIT_MB}   ratio ${(maxRss / RSS_LIMIT_MB).toFixed(2)}`);
  return { messagesPerSecond: wall, messagesPerCpuSecond: cpu, mappingOnlyPerCpuSecond: mappingOnly, referenceRatio, rounds, averageMessageBytes: bytes, rssMb: maxRss, rssBeforeValidatorMb: mb(rssBefore), validatorLoadMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The RSS is the normalize service's only under the V8 flags it runs with, from the compile cache.
  const flags = serviceV8Flags.normalize;
  if (flags.every((f) => process.execArgv.includes(f))) {
    await runNormalizeBench();
  } else {
    const child = spawnSync(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, ...compileCacheEnv } });
    process.exit(child.status ?? 1);
  }
}
