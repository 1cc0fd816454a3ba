// Usage: node_modules/.bin/node scripts/bench/parse.ts
//
// Parser throughput, head to head, in one run: our lazy parser, node-hl7-client and @medplum/core
// each parse a deterministic mixed ADT/ORU workload and do the field reads the normaliser does;
// two byte loops over the same bytes give the ceiling. Each contender runs in its own worker
// thread (own heap, own JIT), warmed up to its steady state; figures are medians of rounds from
// two passes. The stack notes' parser survey is what this re-measures.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Hl7Message as MedplumMessage } from '@medplum/core';
import { parseHl7 } from '@conduit/hl7v2';
import { seededRandom } from './lib/seeded-random.ts';

const MESSAGES = 2000;
const PASSES = 2;
const ROUNDS = 5;
/** A round repeats the workload until it has run at least this long, so timer noise stays small. */
const MIN_ROUND_MS = 200;
const WARMUP_MS = 1500;
const WARMUP_MESSAGES = 20_000;
const WARMUP_MAX_MS = 5000;


/**
 * About 3.5 KB per message: ADTs with repeated identifiers, names and addresses, allergies,
 * diagnoses, insurance and a Z-segment; ORUs with 10 to 25 OBX. Escapes (\T\ \S\ \R\ \E\ \.br\)
 * and repetitions appear in the fields that are read.
 */
export function generateParseWorkload(count: number, seed = 42): string[] {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  const two = (lo: number, hi: number) => String(int(lo, hi)).padStart(2, '0');
  const ts = () => `20${two(10, 25)}${two(1, 12)}${two(1, 28)}${two(0, 23)}${two(0, 59)}${two(0, 59)}${pick(['', '-0500', '+0100'])}`;
  const FAMILY = ['Smith', 'O\\T\\Brien', 'Nguyen', 'Garcia', 'M\\S\\Kay', 'Okafor', 'Johansson', 'Dupont'] as const;
  const GIVEN = ['Anna', 'Ben', 'Chidi', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana'] as const;
  const TESTS = [['2345-7', 'Glucose', 'mg/dL'], ['718-7', 'Hemoglobin', 'g/dL'], ['2951-2', 'Sodium', 'mmol/L'], ['2823-3', 'Potassium', 'mmol/L'], ['6690-2', 'WBC', '10*3/uL'], ['777-3', 'Platelets', '10*3/uL'], ['2160-0', 'Creatinine', 'mg/dL'], ['1742-6', 'ALT', 'U/L']] as const;
  const address = () => `${int(1, 999)} Main St\\R\\Apt ${int(1, 40)}^^Springfield^IL^${digits(5)}^USA^H`;
  const msh = (type: string, id: number) => `MSH|^~\\&|LAB\\T\\EHR|GENHOSP^1.2.840.114350^ISO|CONDUIT|HUB|${ts()}||${type}|MSG${String(id).padStart(8, '0')}|P|2.5.1|||AL|NE|USA|UNICODE UTF-8`;
  const pid = () => `PID|1||${digits(8)}^^^GENHOSP&1.2.840.114350&ISO^MR~${digits(9)}^^^USSSA^SS~${digits(6)}^^^CLINIC^PI||${pick(FAMILY)}^${pick(GIVEN)}^${pick(GIVEN)}^^^^L~${pick(FAMILY)}^${pick(GIVEN)}^^^^^M||19${two(30, 99)}${two(1, 12)}${two(1, 28)}|${pick(['F', 'M', 'U'])}||2106-3^White^HL70005|${address()}~PO Box ${int(1, 999)}^^Springfield^IL^${digits(5)}^USA^M||^PRN^PH^^1^217^${digits(7)}~^NET^Internet^someone@example.org|^WPN^PH^^1^217^${digits(7)}|en^English^ISO6391|M^Married^HL70002|CHR^Christian^HL70006|${digits(10)}^^^GENHOSP^AN|${digits(9)}`;
  const pv1 = () => `PV1|1|${pick(['I', 'O', 'E'])}|${pick(['4W', 'ICU', 'ER'])}^${int(100, 499)}^${int(1, 4)}^GENHOSP^^^^^${pick(['North', 'South'])} Wing|${pick(['E', 'R', 'U'])}|||${digits(6)}^Attending^Alice^^^Dr^MD|${digits(6)}^Referring^Rob^^^Dr^MD||MED||||${int(1, 9)}|||${digits(6)}^Admitting^Ada^^^Dr^MD|IN|${digits(10)}^^^GENHOSP^VN${'|'.repeat(25)}${ts()}|${rnd() < 0.3 ? ts() : ''}`;
  const pad = (segs: string[], label: string, target: number) => {
    while (segs.join('\r').length < target) segs.push(`NTE|${segs.length}|L|${`${label} `.repeat(int(2, 6))}`);
  };
  const adt = (id: number) => {
    const ev = pick(['A01', 'A02', 'A03', 'A04', 'A08', 'A31']);
    const segs = [
      msh(`ADT^${ev}^ADT_A01`, id),
      `EVN|${ev}|${ts()}|||${digits(5)}^Clerk^Carl|${ts()}`,
      pid(),
      `PD1|||GENHOSP Clinic^^${digits(5)}|${digits(6)}^Primary^Pat^^^Dr`,
      `NK1|1|${pick(FAMILY)}^${pick(GIVEN)}|SPO^Spouse^HL70063|${address()}|^PRN^PH^^1^217^${digits(7)}`,
      `NK1|2|${pick(FAMILY)}^${pick(GIVEN)}|CHD^Child^HL70063||^PRN^PH^^1^217^${digits(7)}`,
      pv1(),
      `PV2|||${pick(['Chest pain', 'Fever \\T\\ cough', 'Fall'])}^^^^^||||||${int(1, 9)}`,
    ];
    for (let i = 1; i <= int(2, 4); i++) {
      const [code, name, unit] = pick(TESTS);
      segs.push(`OBX|${i}|NM|${code}^${name}^LN||${int(1, 300)}.${int(0, 9)}|${unit}^^UCUM|||||F|||${ts()}`);
    }
    for (let i = 1; i <= int(2, 4); i++) segs.push(`AL1|${i}|DA|${digits(5)}^${pick(['Penicillin', 'Latex', 'Peanut'])}^RXNORM|${pick(['SV', 'MO', 'MI'])}|${pick(['Hives', 'Rash~Swelling', 'Anaphylaxis'])}`);
    for (let i = 1; i <= int(2, 4); i++) segs.push(`DG1|${i}|I10|${pick(['I10', 'E11.9', 'J18.9', 'R07.9'])}^${pick(['Hypertension', 'Type 2 diabetes', 'Pneumonia', 'Chest pain\\S\\ unspecified'])}^I10|||${pick(['A', 'W', 'F'])}`);
    segs.push(`PR1|1|I10P|0DTJ4ZZ^Resection of appendix^I10P||${ts()}`);
    segs.push(`GT1|1||${pick(FAMILY)}^${pick(GIVEN)}||${address()}|^PRN^PH^^1^217^${digits(7)}`);
    segs.push(`IN1|1|BC01^Blue Cross|${digits(6)}|Blue Cross Insurance|PO Box ${int(1, 9999)}^^Chicago^IL^${digits(5)}||^WPN^PH^^1^800^${digits(7)}|GRP${digits(5)}|||||${ts().slice(0, 8)}|||${pick(FAMILY)}^${pick(GIVEN)}|SEL^Self^HL70063|19${two(30, 99)}0101|${address()}`);
    segs.push(`IN1|2|MCR^Medicare|${digits(6)}|Secondary Insurance|PO Box ${int(1, 9999)}^^Chicago^IL^${digits(5)}`);
    segs.push(`ZPI|${digits(4)}|${pick(['VIP', 'STAFF', ''])}|Note\\E\\with escapes\\.br\\second line`);
    pad(segs, 'Free text comment', int(3100, 3700));
    return `${segs.join('\r')}\r`;
  };
  const oru = (id: number) => {
    const segs = [
      msh('ORU^R01^ORU_R01', id), pid(), pv1(),
      `ORC|RE|${digits(8)}^EHR|${digits(8)}^LAB||CM||||${ts()}|||${digits(6)}^Ordering^Olga^^^Dr`,
      `OBR|1|${digits(8)}^EHR|${digits(8)}^LAB|24323-8^Comprehensive metabolic panel^LN|||${ts()}|||||||${ts()}|SER&Serum&HL70070|${digits(6)}^Ordering^Olga^^^Dr||||||${ts()}|||F`,
    ];
    const results = int(10, 25);
    for (let i = 1; i <= results; i++) {
      const [code, name, unit] = pick(TESTS);
      const kind = rnd();
      const [type, value] = kind < 0.75 ? ['NM', `${int(1, 400)}.${int(0, 99)}`] : kind < 0.9 ? ['TX', 'Result \\T\\ comment\\.br\\see note'] : ['SN', `>^${int(1, 9)}`];
      segs.push(`OBX|${i}|${type}|${code}^${name}^LN^${digits(4)}^${name} local^L||${value}|${unit}^${unit}^UCUM|${int(1, 50)}-${int(60, 500)}|${pick(['N', 'H', 'L', ''])}|||${pick(['F', 'F', 'F', 'C', 'P'])}|||${ts()}|||||${ts()}`);
    }
    segs.push('NTE|1|L|Specimen received \\T\\ processed~Reviewed');
    segs.push(`SPM|1|${digits(8)}&EHR||119297000^Blood specimen^SCT|||||||||||||${ts()}|${ts()}`);
    pad(segs, 'Interpretive comment', int(2600, 3300));
    return `${segs.join('\r')}\r`;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rnd() < 0.5 ? adt(i) : oru(i));
  // Flat strings, as a socket or JSON decoder hands them over (not ropes from concatenation).
  return out.map((m) => Buffer.from(m, 'utf8').toString('utf8'));
}

/** The reads the normaliser does, as [field, component] per segment; PID-3 in every repetition. */
type Reader = (text: string) => number;

const readOurs: Reader = (text) => {
  const m = parseHl7(text);
  const msh = m.msh;
  let n = msh.get(9, 1, 1).length + msh.get(9, 1, 2).length + msh.get(10).length;
  const pid = m.segment('PID');
  if (pid) {
    const reps = pid.repetitionCount(3);
    for (let r = 1; r <= reps; r++) n += pid.get(3, r, 1).length + pid.get(3, r, 4).length + pid.get(3, r, 5).length;
    n += pid.get(5, 1, 1).length + pid.get(5, 1, 2).length + pid.get(7).length + pid.get(8).length;
  }
  const pv1 = m.segment('PV1');
  if (pv1) n += pv1.get(2).length + pv1.get(3, 1, 1).length + pv1.get(3, 1, 2).length + pv1.get(3, 1, 3).length + pv1.get(19).length + pv1.get(44).length;
  for (const obx of m.segmentsNamed('OBX')) {
    n += obx.get(2).length + obx.get(3, 1, 1).length + obx.get(3, 1, 2).length + obx.get(3, 1, 3).length + obx.get(5, 1, 1).length + obx.get(5, 1, 2).length + obx.get(6).length + obx.get(8).length + obx.get(11).length;
  }
  return n;
};

interface NhcNode {
  toString(): string;
  toArray(): NhcNode[];
  read(path: string[]): NhcNode | undefined;
}

/** The reference parsers are imported only in their own workers, so they do not weigh on ours. */
async function loadNodeHl7Client(): Promise<Reader> {
  const { Message: NhcMessage } = await import('node-hl7-client');
  return (text) => readNodeHl7Client(new NhcMessage({ text }) as unknown as NhcRoot);
}

async function loadMedplum(): Promise<Reader> {
  const { Hl7Message } = await import('@medplum/core');
  return (text) => readMedplum(Hl7Message.parse(text));
}

interface NhcRoot {
  get(path: string): { toString(): string };
}

function readNodeHl7Client(m: NhcRoot): number {
  const get = (path: string) => m.get(path).toString();
  const at = (node: NhcNode | undefined, ...path: string[]) => node?.read(path)?.toString() ?? '';
  let n = get('MSH.9.1').length + get('MSH.9.2').length + get('MSH.10').length;
  for (const rep of (m.get('PID.3') as unknown as NhcNode).toArray()) n += at(rep, '1').length + at(rep, '4').length + at(rep, '5').length;
  n += get('PID.5.1').length + get('PID.5.2').length + get('PID.7').length + get('PID.8').length;
  n += get('PV1.2').length + get('PV1.3.1').length + get('PV1.3.2').length + get('PV1.3.3').length + get('PV1.19').length + get('PV1.44').length;
  for (const obx of (m.get('OBX') as unknown as NhcNode).toArray()) {
    n += at(obx, '2').length + at(obx, '3', '1').length + at(obx, '3', '2').length + at(obx, '3', '3').length + at(obx, '5', '1').length + at(obx, '5', '2').length + at(obx, '6').length + at(obx, '8').length + at(obx, '11').length;
  }
  return n;
}

function readMedplum(m: MedplumMessage): number {
  const msh = m.header;
  let n = msh.getComponent(9, 1).length + msh.getComponent(9, 2).length + msh.getComponent(10, 1).length;
  const pid = m.getSegment('PID');
  if (pid) {
    const f3 = pid.getField(3);
    for (let r = 0; r < f3.components.length; r++) n += f3.getComponent(1, undefined, r).length + f3.getComponent(4, undefined, r).length + f3.getComponent(5, undefined, r).length;
    n += pid.getComponent(5, 1).length + pid.getComponent(5, 2).length + pid.getComponent(7, 1).length + pid.getComponent(8, 1).length;
  }
  const pv1 = m.getSegment('PV1');
  if (pv1) n += pv1.getComponent(2, 1).length + pv1.getComponent(3, 1).length + pv1.getComponent(3, 2).length + pv1.getComponent(3, 3).length + pv1.getComponent(19, 1).length + pv1.getComponent(44, 1).length;
  for (const obx of m.getAllSegments('OBX')) {
    n += obx.getComponent(2, 1).length + obx.getComponent(3, 1).length + obx.getComponent(3, 2).length + obx.getComponent(3, 3).length + obx.getComponent(5, 1).length + obx.getComponent(5, 2).length + obx.getComponent(6, 1).length + obx.getComponent(8, 1).length + obx.getComponent(11, 1).length;
  }
  return n;
}

/** The ceiling: one comparison chain per byte, nothing kept. */
function countDelimiters(bytes: Buffer): number {
  let n = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!;
    if (b === 0x7c || b === 0x5e || b === 0x7e || b === 0x5c || b === 0x26) n++;
  }
  return n;
}

/** What memchr-speed scanning gives: count segment terminators with Buffer.indexOf. */
function scanTerminators(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0d); i !== -1; i = bytes.indexOf(0x0d, i + 1)) n++;
  return n;
}

/** What a worker measured: per-message milliseconds of each round, and what it saw. */
interface WorkerResult {
  readonly perMessageMs: number[];
  readonly messages: number;
  readonly bytes: number;
  readonly oru: number;
  readonly checksum: number;
  readonly rssMb: number;
  readonly rssAtStartMb: number;
  readonly heapUsedMb: number;
}

const CONTENDERS = {
  conduit: { label: 'conduit parse + reads', text: async () => readOurs },
  medplum: { label: '@medplum/core parse + reads', text: loadMedplum },
  nodeHl7Client: { label: 'node-hl7-client parse + reads', text: loadNodeHl7Client },
  delimiterLoop: { label: 'delimiter-count loop (bytes)', bytes: countDelimiters },
  indexOfScan: { label: 'Buffer.indexOf CR scan', bytes: scanTerminators },
} as const satisfies Record<string, { label: string; text?: () => Promise<Reader>; bytes?: (b: Buffer) => number }>;
type ContenderName = keyof typeof CONTENDERS;

/**
 * Runs in a worker thread: each contender gets its own V8 heap and JIT state, so none pays for
 * the garbage or the deoptimisations another left (node-hl7-client leaves the most).
 */
async function measureInWorker(name: ContenderName): Promise<WorkerResult> {
  const rssAtStart = process.memoryUsage().rss;
  const texts = generateParseWorkload(MESSAGES);
  const buffers = texts.map((t) => Buffer.from(t, 'utf8'));
  const bytes = buffers.reduce((n, b) => n + b.length, 0);
  const contender: { text?: () => Promise<Reader>; bytes?: (b: Buffer) => number } = CONTENDERS[name];
  const read = contender.text ? await contender.text() : undefined;
  const scan = contender.bytes;
  const run = (): number => {
    let n = 0;
    if (read) for (const t of texts) n += read(t);
    else if (scan) for (const b of buffers) n += scan(b);
    return n;
  };
  // Warm up by time and by count: @medplum/core runs at a third of its speed for its first
  // ~15,000 messages, and a service is measured in its steady state.
  let checksum = 0;
  let warmed = 0;
  let started = performance.now();
  for (let elapsed = 0; elapsed < WARMUP_MAX_MS && (elapsed < WARMUP_MS || warmed < WARMUP_MESSAGES); elapsed = performance.now() - started) {
    checksum = run();
    warmed += texts.length;
  }
  started = performance.now();
  checksum = run();
  const passes = Math.max(1, Math.ceil(MIN_ROUND_MS / Math.max(performance.now() - started, 0.001)));
  const perMessageMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    started = performance.now();
    for (let p = 0; p < passes; p++) checksum = run();
    perMessageMs.push((performance.now() - started) / (passes * texts.length));
  }
  const memory = process.memoryUsage();
  return {
    perMessageMs,
    messages: texts.length,
    bytes,
    oru: texts.filter((t) => t.includes('|ORU^R01^')).length,
    checksum,
    rssMb: memory.rss / 1e6,
    rssAtStartMb: rssAtStart / 1e6,
    heapUsedMb: memory.heapUsed / 1e6,
  };
}

function runWorker(name: ContenderName): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { parseBench: name } });
    worker.once('message', (result: WorkerResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`parse bench worker ${name} exited with ${code}`));
    });
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runParseBench(): Promise<Record<string, number>> {
  const names = Object.keys(CONTENDERS) as ContenderName[];
  const results = new Map<ContenderName, WorkerResult[]>(names.map((n) => [n, []]));
  // Two passes over all contenders: a burst of load from another process on the machine then
  // lands in some rounds of every contender rather than in all rounds of one.
  for (let pass = 0; pass < PASSES; pass++) {
    for (const name of names) results.get(name)!.push(await runWorker(name));
  }
  const summary = new Map(names.map((name) => {
    const runs = results.get(name)!;
    const first = runs[0]!;
    const ms = median(runs.flatMap((r) => r.perMessageMs));
    return [name, { msgPerSec: 1000 / ms, mbPerSec: (first.bytes / first.messages / 1e6) * (1000 / ms), first }];
  }));
  const get = (name: ContenderName) => summary.get(name)!;
  const ours = get('conduit');
  const { messages, bytes, oru } = ours.first;
  const reference = get('medplum').mbPerSec >= get('nodeHl7Client').mbPerSec ? 'medplum' : 'nodeHl7Client';
  const vsReference = ours.mbPerSec / get(reference).mbPerSec;
  const vsLoop = ours.mbPerSec / get('delimiterLoop').mbPerSec;
  console.log(`parse bench: ${messages} messages (${messages - oru} ADT, ${oru} ORU), ${(bytes / 1e6).toFixed(2)} MB, ${Math.round(bytes / messages)} B/message`);
  console.log(`each contender in its own worker thread, ${PASSES} passes x ${ROUNDS} rounds of >= ${MIN_ROUND_MS} ms after a warm-up of >= ${WARMUP_MESSAGES} messages and ${WARMUP_MS} ms (at most ${WARMUP_MAX_MS} ms); medians`);
  console.log(`${''.padEnd(32)}${'msg/s'.padStart(12)}${'MB/s'.padStart(10)}`);
  for (const name of names) {
    const m = get(name);
    console.log(`${CONTENDERS[name].label.padEnd(32)}${Math.round(m.msgPerSec).toLocaleString('en-US').padStart(12)}${m.mbPerSec.toFixed(1).padStart(10)}`);
  }
  for (const name of ['medplum', 'nodeHl7Client'] as const) {
    const ratio = ours.mbPerSec / get(name).mbPerSec;
    console.log(`conduit / ${CONTENDERS[name].label.split(' ')[0]}: ${ratio.toFixed(2)}x${name === reference ? ' (the faster reference; target >= 5)' : ''}`);
  }
  console.log(`conduit / delimiter-count loop: ${(vsLoop * 100).toFixed(0)}% (target >= 40%)`);
  // The conduit worker is the first one the process starts, so the RSS it reports is the main
  // thread plus itself, not the leftovers of the other parsers' workers.
  const o = ours.first;
  console.log(`conduit RSS: ${o.rssMb.toFixed(1)} MB at the end of its rounds, ${(o.rssMb - o.rssAtStartMb).toFixed(1)} MB above the ${o.rssAtStartMb.toFixed(1)} MB its worker started with (workload ${(2 * bytes / 1e6).toFixed(1)} MB as strings and buffers; heap used ${o.heapUsedMb.toFixed(1)} MB)`);
  // Checksums (total length of the values read) differ where a parser reads differently:
  // @medplum/core does not unescape, node-hl7-client keeps \.br\ as text.
  console.log(`checksums: conduit ${ours.first.checksum}, @medplum/core ${get('medplum').first.checksum}, node-hl7-client ${get('nodeHl7Client').first.checksum}`);
  return {
    messages,
    bytes,
    ...Object.fromEntries(names.flatMap((name) => [[`${name}.msgPerSec`, get(name).msgPerSec], [`${name}.mbPerSec`, get(name).mbPerSec]])),
    'conduit.rssMb': ours.first.rssMb,
    'conduit.rssGrowthMb': ours.first.rssMb - ours.first.rssAtStartMb,
    'conduit.heapUsedMb': ours.first.heapUsedMb,
    'ratio.vsFasterReference': vsReference,
    'ratio.vsDelimiterLoop': vsLoop,
  };
}

if (!isMainThread && (workerData as { parseBench?: ContenderName } | null)?.parseBench) {
  parentPort!.postMessage(await measureInWorker((workerData as { parseBench: ContenderName }).parseBench));
} else if (import.meta.main) {
  await runParseBench();
}
