// Projection throughput: 10 subscribers with mixed policies (treatment with tokens, Safe Harbor
// research, format-preserving tokens, sensitive categories, nested allowlists) × realistic ORU
// canonical events (Patient + Encounter + 10–25 Observations + DiagnosticReport). Reports projected
// events per second per process (median of rounds) and RSS against the targets.
// Run: node_modules/.bin/node scripts/bench/project.ts
//
// RSS is a per-process figure, so each measurement runs in a fresh child process: once with the V8
// flags the project service runs with (serviceV8Flags, scripts/lib/service-process.ts: projection churns
// short-lived objects and V8 otherwise grows the young generation to 64 MB), once with V8 defaults.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { CanonicalEvent } from '@conduit/events';
import { createProjector, loadContracts, type SubscriberContract } from '@conduit/projection';
import { repoRoot } from '../lib/paths.ts';
import { serviceV8Flags } from '../lib/service-process.ts';
import { seededRandom } from './lib/seeded-random.ts';

const TARGET_EVENTS_PER_SECOND = 20_000;
const TARGET_RSS_MB = 150;
/**
 * A pool of distinct events replayed several times per round: a larger pool would measure the
 * benchmark's own heap rather than the projection. Nothing per event is cached across passes
 * (pseudonymous ids are derived per event); identifier tokens are, as they are in production, where
 * a patient's MRN recurs in every one of their events.
 */
const EVENTS = 250;
const PASSES_PER_ROUND = 4;
const PATIENTS = 200;
const WARMUP_ROUNDS = 2;
const ROUNDS = 9;


const LABS: readonly (readonly [string, string, string, number])[] = [
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 95], ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 1],
  ['3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 'mg/dL', 14], ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 140],
  ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 4.2], ['2075-0', 'Chloride [Moles/volume] in Serum or Plasma', 'mmol/L', 101],
  ['2028-9', 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', 'mmol/L', 25], ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 'mg/dL', 9.4],
  ['2885-2', 'Protein [Mass/volume] in Serum or Plasma', 'g/dL', 7], ['1751-7', 'Albumin [Mass/volume] in Serum or Plasma', 'g/dL', 4.1],
  ['1975-2', 'Bilirubin.total [Mass/volume] in Serum or Plasma', 'mg/dL', 0.8], ['6768-6', 'Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 80],
  ['1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 25], ['1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 22],
  ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*3/uL', 7], ['789-8', 'Erythrocytes [#/volume] in Blood by Automated count', '10*6/uL', 4.7],
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 14], ['4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count', '%', 42],
  ['777-3', 'Platelets [#/volume] in Blood by Automated count', '10*3/uL', 250], ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 5.6],
  ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 180], ['2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 'mg/dL', 120],
  ['2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', 55], ['13457-7', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation', 'mg/dL', 100],
  ['3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma', 'm[IU]/L', 2],
];
/** Drug screens (substance-use starter value set, 42 CFR Part 2): about 1 event in 20 carries one. */
const DRUG_SCREENS = ['19295-5', '3397-7', '18282-4'];

function makeEvents(count: number): CanonicalEvent[] {
  const rnd = seededRandom(20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const events: CanonicalEvent[] = [];
  for (let n = 0; n < count; n++) {
    const p = Math.floor(rnd() * PATIENTS);
    const pid = `pat-${p.toString(16).padStart(8, '0')}-8000-8000-000000000000`;
    const eid = `enc-${n.toString(16).padStart(8, '0')}-8000-8000-000000000000`;
    const day = `2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
    const patient = {
      resourceType: 'Patient', id: pid,
      identifier: [
        { value: `MRN${String(1_000_000 + p)}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, assigner: { display: 'GOODHEALTH' } },
        { value: `999-${String(10 + (p % 90))}-${String(1000 + p)}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] }, assigner: { display: 'USSSA' } },
      ],
      name: [{ family: `FAMILY${p}`, given: [`GIVEN${p}`, 'Q'] }],
      telecom: [{ system: 'phone', value: `(555)555-${String(1000 + p)}`, use: 'home' }],
      gender: p % 2 ? 'female' : 'male',
      birthDate: `${1930 + (p % 80)}-0${1 + (p % 9)}-1${p % 10}`,
      address: [{ line: [`${p} MAIN STREET`], city: 'GREENSBORO', state: 'NC', postalCode: `274${String(p % 100).padStart(2, '0')}`, country: 'USA' }],
    };
    const encounter = {
      resourceType: 'Encounter', id: eid,
      identifier: [{ value: `VN${n}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }] } }],
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
      subject: { reference: `Patient/${pid}` },
      participant: [{ individual: { reference: 'Practitioner/pr-004777', display: 'ATTEND, AARON' } }],
      period: { start: `${day}T08:00:00-05:00` },
      location: [{ location: { reference: 'Location/loc-2000', display: 'Ward 2000' } }],
      serviceProvider: { reference: 'Organization/org-goodhealth' },
    };
    const observations = [];
    const count = 10 + Math.floor(rnd() * 16);
    for (let i = 0; i < count; i++) {
      const [code, display, unit, typical] = pick(LABS);
      const sensitive = i === 0 && rnd() < 0.05;
      const value = Math.round(typical * (0.7 + rnd() * 0.6) * 10) / 10;
      observations.push({
        resourceType: 'Observation', id: `obs-${n}-${i}`,
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: sensitive ? pick(DRUG_SCREENS) : code, display }], text: display },
        subject: { reference: `Patient/${pid}` },
        encounter: { reference: `Encounter/${eid}` },
        effectiveDateTime: `${day}T09:15:00-05:00`,
        issued: `${day}T15:20:00Z`,
        performer: [{ reference: 'Organization/org-goodhealth-lab', display: 'Good Health Lab' }],
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
        interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: value > typical * 1.2 ? 'H' : 'N' }] }],
        referenceRange: [{ low: { value: typical * 0.8, unit }, high: { value: typical * 1.2, unit } }],
        ...(rnd() < 0.1 ? { note: [{ text: `Called to FAMILY${p} at (555)555-${String(1000 + p)}` }] } : {}),
      });
    }
    const report = {
      resourceType: 'DiagnosticReport', id: `dr-${n}`,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '24323-8', display: 'Comprehensive metabolic 2000 panel - Serum or Plasma' }] },
      subject: { reference: `Patient/${pid}` },
      encounter: { reference: `Encounter/${eid}` },
      effectiveDateTime: `${day}T09:15:00-05:00`,
      issued: `${day}T15:20:00Z`,
      result: observations.map((o) => ({ reference: `Observation/${o.id}` })),
      conclusion: 'Reviewed',
    };
    const entry = [patient, encounter, ...observations, report].map((r) => ({ fullUrl: `urn:uuid:${r.id}`, resource: r })) as unknown as BundleEntry[];
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry };
    events.push({
      eventId: `evt-${n}`, eventType: 'result-reported', messageType: 'ORU^R01',
      source: { application: 'LAB', facility: 'GOODHEALTH', listener: 'mllp' },
      occurredAt: `${day}T15:20:00-05:00`, receivedAt: `${day}T20:20:01.000Z`,
      patientKey: `pk-${p}`, rawEventId: `evt-${n}`, bundle,
    });
  }
  return events;
}

function benchContracts(): SubscriberContract[] {
  const demo = loadContracts(join(repoRoot, 'deploy/demo/contracts')).map((l) => l.contract);
  const base = { version: '1', owner: 'bench', events: { eventTypes: ['result-reported'] }, channels: { kafka: { retentionMs: 604_800_000 } } };
  const labs = ['status', 'category', 'code', 'subject', 'encounter', 'effective[x]', 'value[x]', 'interpretation', 'referenceRange'];
  const extra: SubscriberContract[] = [
    { ...base, id: 'lab-results', purposeOfUse: 'TREAT', projection: { allow: { Patient: ['identifier', 'gender', 'birthDate'], Observation: labs, DiagnosticReport: ['status', 'code', 'subject', 'result', 'issued'] }, tokenize: { formatPreserving: true } } },
    { ...base, id: 'addiction-medicine', purposeOfUse: 'TREAT', projection: { allow: { Patient: ['identifier', 'name', 'birthDate'], Observation: labs, Encounter: ['status', 'period', 'subject'] }, sensitiveCategories: ['substance-use'] } },
    { ...base, id: 'public-health', purposeOfUse: 'PUBHLTH', projection: { allow: { Patient: ['identifier', 'gender', 'birthDate', 'address'], Observation: ['code', 'value[x]', 'effective[x]', 'subject'] }, identifierTypes: ['MR'], sensitiveCategories: ['hiv-sti'] } },
    { ...base, id: 'quality', purposeOfUse: 'HQUALIMP', projection: { allow: { Encounter: ['status', 'class', 'period', 'hospitalization.dischargeDisposition'], Observation: ['code', 'interpretation', 'encounter'] }, identifiers: 'remove' } },
    { ...base, id: 'payer', purposeOfUse: 'HPAYMT', projection: { allow: { Patient: ['identifier', 'name', 'birthDate'], Encounter: ['identifier', 'class', 'period', 'serviceProvider'], DiagnosticReport: ['code', 'subject', 'issued'] }, identifierTypes: ['MR', 'VN'] } },
    { ...base, id: 'registry-research', purposeOfUse: 'HRESCH', projection: { deidentification: 'safe-harbor', allow: { Patient: ['gender', 'birthDate', 'address'], Observation: labs, DiagnosticReport: ['code', 'result', 'effective[x]'] } } },
    { ...base, id: 'hie', purposeOfUse: 'TREAT', projection: { allow: { Patient: ['identifier', 'name', 'telecom', 'gender', 'birthDate', 'address'], Encounter: ['identifier', 'status', 'class', 'subject', 'participant', 'period', 'location', 'serviceProvider'], Observation: [...labs, 'issued', 'performer', 'note'], DiagnosticReport: ['status', 'category', 'code', 'subject', 'encounter', 'effective[x]', 'issued', 'result', 'conclusion'] } } },
    { ...base, id: 'analytics', purposeOfUse: 'HOPERAT', projection: { deidentification: 'safe-harbor', allow: { Observation: ['code', 'value[x]', 'effective[x]'], Encounter: ['class', 'period'] } } },
  ];
  return [...demo, ...extra];
}

interface Figures {
  readonly eventsPerSecond: number;
  /** Per second of this process's CPU time (all its threads): steady when other processes compete for the CPU. */
  readonly eventsPerCpuSecond: number;
  readonly rounds: readonly number[];
  readonly rssMb: number;
  readonly projectedPerRound: number;
  readonly subscribers: number;
  readonly observationsPerEvent: number;
}

function measure(): Figures {
  const contracts = benchContracts();
  const keys = { tokenSecret: Buffer.alloc(32, 42) };
  const events = makeEvents(EVENTS);
  const projector = createProjector({ contracts, keys });
  const observations = events.reduce((s, e) => s + (e.bundle.entry?.length ?? 0) - 3, 0);
  let projectedPerRound = 0;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let rssMax = 0;
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    let projected = 0;
    for (let pass = 0; pass < PASSES_PER_ROUND; pass++) for (const event of events) projected += projector.project(event).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    if (round < WARMUP_ROUNDS) continue; // JIT and token caches
    projectedPerRound = projected;
    rates.push(projected / seconds);
    cpuRates.push(projected / ((cpu.user + cpu.system) / 1e6));
  }
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    eventsPerSecond: median(rates),
    eventsPerCpuSecond: median(cpuRates),
    rounds: rates,
    rssMb: rssMax / 1_048_576,
    projectedPerRound,
    subscribers: contracts.length,
    observationsPerEvent: observations / EVENTS,
  };
}

const SERVICE_V8_FLAGS = serviceV8Flags.project;

function measureInChild(v8Flags: readonly string[]): Figures {
  const r = spawnSync(process.execPath, [...v8Flags, import.meta.filename, '--measure'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`projection benchmark child failed (status ${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Figures;
}

export async function runProjectBench(): Promise<{ eventsPerSecond: number; rssMb: number }> {
  const service = measureInChild(SERVICE_V8_FLAGS);
  const defaults = measureInChild([]);
  console.log(`${service.subscribers} subscribers × ${EVENTS} distinct ORU events replayed ${PASSES_PER_ROUND}× per round (${PATIENTS} patients, ${service.observationsPerEvent.toFixed(1)} Observations per event)`);
  console.log(`projected events per round: ${service.projectedPerRound} (${(service.projectedPerRound / (EVENTS * PASSES_PER_ROUND)).toFixed(1)} subscribers matched per event)`);
  console.log(`with ${SERVICE_V8_FLAGS.join(' ')} (project service setting):`);
  console.log(`  rounds (projected events/s): ${service.rounds.map((r) => Math.round(r)).join(', ')}`);
  console.log(`  projected events/s (median of ${ROUNDS}): ${Math.round(service.eventsPerSecond)}   target ≥ ${TARGET_EVENTS_PER_SECOND}   ratio ${(service.eventsPerSecond / TARGET_EVENTS_PER_SECOND).toFixed(2)}`);
  console.log(`  projected events per CPU-second (median): ${Math.round(service.eventsPerCpuSecond)}   ratio ${(service.eventsPerCpuSecond / TARGET_EVENTS_PER_SECOND).toFixed(2)}`);
  console.log(`  RSS (max): ${service.rssMb.toFixed(1)} MB   target < ${TARGET_RSS_MB} MB   ratio ${(service.rssMb / TARGET_RSS_MB).toFixed(2)}`);
  console.log(`with V8 defaults: ${Math.round(defaults.eventsPerSecond)} projected events/s (ratio ${(defaults.eventsPerSecond / TARGET_EVENTS_PER_SECOND).toFixed(2)}), RSS ${defaults.rssMb.toFixed(1)} MB (ratio ${(defaults.rssMb / TARGET_RSS_MB).toFixed(2)})`);
  return { eventsPerSecond: service.eventsPerSecond, rssMb: service.rssMb };
}

if (import.meta.main) {
  if (process.argv.includes('--measure')) process.stdout.write(JSON.stringify(measure()));
  else await runProjectBench();
}
